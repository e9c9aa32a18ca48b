import gql from 'graphql-tag';

/** The identity subgraph's part for roles and permissions; ../schema.ts merges every feature's. Side-effect free. */
export const rolesTypeDefs = gql`
  type Role {
    id: ID!
    "null for the built-in roles, which every organization shares"
    organizationId: ID
    name: String!
    description: String
    permissions: [String!]!
    isBuiltin: Boolean!
    createdAt: String!
    updatedAt: String!
  }

  type Permission {
    id: ID!
    name: String!
    resourceType: String!
    action: String!
    description: String
    createdAt: String!
  }

  type PermissionCheck {
    permission: String!
    allowed: Boolean!
  }

  extend type Query {
    roles(organizationId: ID!): [Role!]!
    role(organizationId: ID!, roleId: ID!): Role!
    permissions: [Permission!]!
    checkPermission(organizationId: ID!, permission: String!): PermissionCheck!
    myPermissions(organizationId: ID!): [String!]!
  }

  extend type Mutation {
    createRole(organizationId: ID!, name: String!, description: String, permissions: [String!]!): Role!
    updateRole(
      organizationId: ID!
      roleId: ID!
      name: String
      description: String
      permissions: [String!]
    ): Role!
    deleteRole(organizationId: ID!, roleId: ID!): Boolean!
  }
`;
