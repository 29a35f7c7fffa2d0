# syntax=docker/dockerfile:1
# Build: compile TypeScript with dev dependencies, then keep only production ones.
FROM node:24.22.3-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# npm ci's postinstall patches dependencies (patches/, see scripts/patch-dependencies.mjs).
COPY scripts ./scripts
COPY patches ./patches
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY adapters ./adapters
COPY migrations ./migrations
# Compile, drop every dev dependency (tsx, esbuild, typescript, vitest, Backstage's packages), then,
# from the compiled code, make the migrated embedded-database template (node_modules/.cache) so a
# `docker run` without DATABASE_URL skips PGlite's initdb. --build-arg PGLITE_TEMPLATE=no leaves it out.
ARG PGLITE_TEMPLATE=yes
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund \
 && if [ "$PGLITE_TEMPLATE" = yes ]; then node scripts/prepare-pglite.mjs; fi \
 && npm cache clean --force

# Run: small image, git for Git sources and the scaffolder, non-root, health-checked.
FROM node:24.22.3-bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends git ca-certificates openssh-client tini \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production \
    DATA_DIR=/data \
    PORT=3000
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
COPY migrations ./migrations
COPY catalog ./catalog
COPY templates ./templates
RUN mkdir -p /data && chown -R node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["/usr/bin/tini", "--", "node", "bin/callsheet.js"]
CMD ["serve"]
