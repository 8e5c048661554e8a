// The `reviews` subgraph of the campus fixture set (@apollo/subgraph).
// Owns Review; adds reviews to User and Course and likes to Video. It keeps
// its own copy of course titles (Course.title is @shareable) and of author
// names, which Review.author @provides. Served by tests/oracle/conformance-subgraph.mjs.

export const typeDefs = /* GraphQL */ `
  extend schema
    @link(url: "https://specs.apollo.dev/federation/v2.5"
          import: ["@key", "@shareable", "@provides", "@external"])

  "A student's review of a course."
  type Review @key(fields: "id") {
    id: ID!
    body: String!
    rating: Int!
    author: User! @provides(fields: "name")
    course: Course!
  }

  type User @key(fields: "id") {
    id: ID!
    name: String! @external
    "Reviews this person wrote, in id order."
    reviews: [Review!]!
  }

  type Course @key(fields: "id") {
    id: ID!
    title: String! @shareable
    "Reviews of this course rated at least minRating, in id order."
    reviews(minRating: Int = 1): [Review!]!
    "Mean rating, null without reviews."
    averageRating: Float
  }

  type Video @key(fields: "id") {
    id: ID!
    likes: Int!
  }

  "A review to preview; nothing is stored."
  input ReviewAddInput {
    courseId: ID!
    rating: Int!
    body: String = "(no comment)"
  }

  type Query {
    "The newest reviews first."
    latestReviews(first: Int = 3): [Review!]!
    review(id: ID!): Review
  }

  type Mutation {
    "Check a review and return it as it would be published."
    reviewAdd(input: ReviewAddInput!): Review!
  }
`;

const TITLES = {
  c1: "Introduction to Programming",
  c2: "Data Structures",
  c3: "Compilers",
  c4: "Discrete Mathematics",
  c5: "Distributed Systems",
};
const AUTHORS = { u1: "Ada Lovelace", u2: "Alan Turing", u4: "Edsger Dijkstra", u5: "Barbara Liskov" };
const REVIEWS = [
  { id: "r1", courseId: "c1", authorId: "u4", rating: 5, body: "Clear and well paced." },
  { id: "r2", courseId: "c1", authorId: "u5", rating: 4, body: "Good exercises." },
  { id: "r3", courseId: "c2", authorId: "u4", rating: 3, body: "Heavy but useful." },
  { id: "r4", courseId: "c3", authorId: "u5", rating: 5, body: "Hard, worth it." },
  { id: "r5", courseId: "c4", authorId: "u2", rating: 2, body: "Too many proofs." },
  { id: "r6", courseId: "c2", authorId: "u1", rating: 4, body: "Lovely hash tables." },
  { id: "r7", courseId: "c3", authorId: "u1", rating: 3, body: "The parser chapter drags." },
];
const LIKES = { v1: 42, v2: 7, v3: 19 };

const fail = (message, code) => Object.assign(new Error(message), { extensions: { code } });
const course = (id) => ({ id, title: TITLES[id] });
const author = (id) => ({ id, name: AUTHORS[id] });

export const resolvers = {
  Query: {
    latestReviews: (_, { first }) => [...REVIEWS].reverse().slice(0, first ?? REVIEWS.length),
    review: (_, { id }) => REVIEWS.find((review) => review.id === id) ?? null,
  },
  Mutation: {
    reviewAdd: (_, { input }) => {
      if (!(input.courseId in TITLES)) throw fail(`No course ${input.courseId}`, "COURSE_NOT_FOUND");
      if (input.rating < 1 || input.rating > 5) throw fail("Rating must be 1 to 5", "BAD_USER_INPUT");
      return { id: `preview-${input.courseId}`, ...input, authorId: "u1" };
    },
  },
  Review: {
    __resolveReference: ({ id }) => REVIEWS.find((review) => review.id === id) ?? null,
    author: (review) => author(review.authorId),
    course: (review) => course(review.courseId),
  },
  User: {
    __resolveReference: ({ id }) => ({ id }),
    reviews: ({ id }) => REVIEWS.filter((review) => review.authorId === id),
  },
  Course: {
    __resolveReference: ({ id }) => course(id),
    title: ({ id }) => {
      if (!(id in TITLES)) throw fail(`No title for course ${id}`, "COURSE_NOT_FOUND");
      return TITLES[id];
    },
    reviews: ({ id }, { minRating }) =>
      REVIEWS.filter((review) => review.courseId === id && review.rating >= (minRating ?? 1)),
    averageRating: ({ id }) => {
      const ratings = REVIEWS.filter((review) => review.courseId === id).map((r) => r.rating);
      return ratings.length ? ratings.reduce((a, b) => a + b, 0) / ratings.length : null;
    },
  },
  Video: {
    __resolveReference: ({ id }) => ({ id }),
    likes: ({ id }) => LIKES[id] ?? 0,
  },
};
