"""One module per ``lms`` subcommand: ``add_parser(subparsers)`` and ``run(args, settings)``."""
