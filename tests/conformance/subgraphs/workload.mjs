// The `workload` subgraph of the campus fixture set (@apollo/subgraph).
// Knows a Course by its code only (a second key) and computes study load
// from the catalog's credits, level and instructor (@requires); owns
// enrollmentLimit now (@override from catalog); hides a cost code
// (@inaccessible); tags the syllabus URL. Fails for CS350 on purpose.
// Served by tests/oracle/conformance-subgraph.mjs.

export const typeDefs = /* GraphQL */ `
  extend schema
    @link(url: "https://specs.apollo.dev/federation/v2.5"
          import: ["@key", "@external", "@requires", "@override", "@inaccessible", "@tag"])

  type Course @key(fields: "code") {
    code: String!
    credits: Int! @external
    level: Level! @external
    instructor: User! @external
    "Weekly load from the credits; unknown (an error) for CS350."
    workload: Workload @requires(fields: "credits")
    "Advice from the credits and level; fails for CS350."
    studyPlan: String! @requires(fields: "credits level")
    "When the instructor sees students."
    officeHours: String! @requires(fields: "instructor { id }")
    "Seats in the course."
    enrollmentLimit: Int @override(from: "catalog")
    internalCostCode: String @inaccessible
    syllabusUrl: String @tag(name: "public")
  }

  type User @key(fields: "id", resolvable: false) {
    id: ID!
  }

  enum Level {
    INTRO
    INTERMEDIATE
    ADVANCED
  }

  "Hours a student should plan for."
  type Workload {
    hoursPerWeek: Int!
    label: String!
  }

  type Query {
    "The course with the most credits."
    heaviestCourse: Course
  }
`;

const UNKNOWN = "CS350";
const LIMITS = { CS101: 120, CS201: 80, CS301: 40, MA101: 150, CS350: 30 };

const fail = (message, code) => Object.assign(new Error(message), { extensions: { code } });
const required = (course, field) => {
  if (course[field] === undefined) throw fail(`${field} was not provided`, "REQUIRES_MISSING");
  return course[field];
};

export const resolvers = {
  Query: {
    heaviestCourse: () => ({ code: "CS301" }),
  },
  Course: {
    __resolveReference: (reference) => reference,
    workload: (course) => {
      const hours = required(course, "credits") * 3;
      if (course.code === UNKNOWN) throw fail(`Workload of ${UNKNOWN} is unknown`, "WORKLOAD_UNKNOWN");
      return { hoursPerWeek: hours, label: hours >= 15 ? "heavy" : hours >= 10 ? "moderate" : "light" };
    },
    studyPlan: (course) => {
      const credits = required(course, "credits");
      const level = required(course, "level");
      if (course.code === UNKNOWN) throw fail(`No study plan for ${UNKNOWN}`, "WORKLOAD_UNKNOWN");
      return `${level.toLowerCase()}: ${credits * 3} hours a week`;
    },
    officeHours: (course) => `Office hours with ${required(course, "instructor").id}`,
    enrollmentLimit: ({ code }) => LIMITS[code] ?? null,
    internalCostCode: ({ code }) => `CC-${code}`,
    syllabusUrl: ({ code }) => `https://campus.test/syllabus/${code}`,
  },
};
