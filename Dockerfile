# syntax=docker/dockerfile:1
# One recipe for all five services; the service is chosen at build time:
#   docker build --build-arg SERVICE=crm -t seren/crm .
# (docker-compose.yml builds each service this way.)

# --- build: install the whole workspace once and compile every project (tsc -b) ---------------
FROM node:24-bookworm-slim AS build
WORKDIR /app
# The whole workspace goes in: npm install needs every workspace's package.json and tsc -b builds the
# packages a service references. .dockerignore keeps node_modules, dist and local state out.
COPY . .
# npm install, not npm ci: npm 11 leaves other platforms' optional packages out of the lock (see .ci/run).
RUN npm install --no-audit --no-fund
RUN npx tsc -b
# The runtime image gets production dependencies only (no TypeScript, jest, embedded PostgreSQL).
RUN npm prune --omit=dev --no-audit --no-fund

# --- runtime: one service ----------------------------------------------------------------------
FROM node:24-bookworm-slim AS runtime
ARG SERVICE
RUN test -n "$SERVICE" || { echo 'build with --build-arg SERVICE=identity|crm|content|commerce|gateway' >&2; exit 1; }
# HOST: inside a container the service must listen on every interface, not loopback.
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    SERVICE=${SERVICE}
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/packages ./packages
COPY --from=build /app/services/${SERVICE} ./services/${SERVICE}
USER node
# A shell expands $SERVICE at run time; exec hands it PID 1 so SIGTERM reaches node.
CMD ["sh", "-c", "exec node services/$SERVICE/dist/main.js"]
