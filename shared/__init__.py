"""The platform library every service imports."""
