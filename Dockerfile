# syntax=docker/dockerfile:1
# The sgx-orchestrator image: one binary, every mode (scheduler, extender, node-agent, simulate).
#   docker build -t sgx-orchestrator:0.1.0 .
# Multi-stage: the build stage has the compiler and dev dependencies; the runtime stage has only
# the compiled JavaScript, production dependencies and the bundled trace slice, and runs as an
# unprivileged user (uid 1000, the image's `node` user).

ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
# Dependencies first, so that source edits reuse this layer. --ignore-scripts: no install scripts
# run (and `prepare` would compile before the sources are here).
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
RUN npx tsc -p tsconfig.json \
  && find dist -name '*.test.js' -delete -o -name '*.test.js.map' -delete \
  && rm -rf dist/src/testing dist/bench \
  && npm prune --omit=dev --ignore-scripts --no-audit --no-fund

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build --chown=root:root /app/package.json ./package.json
COPY --from=build --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /app/dist/src ./dist/src
COPY --chown=root:root bin ./bin
COPY --chown=root:root data ./data
# Files are root-owned and read-only for the process: it writes nothing inside the image (results
# go to a mounted volume), which also allows readOnlyRootFilesystem in the pod spec.
USER 1000:1000
ENTRYPOINT ["node", "/app/bin/sgx-orchestrator.js"]
CMD ["--help"]
