# One image for the three services; SERVICE (order | product | payment) picks the one a container runs.
#   docker build -t order-system .
#   docker run -e SERVICE=product -e NODE_ENV=development -p 127.0.0.1:8001:8001 order-system
# Settings are the environment variables of .env.example (PORT, DATABASE_URL, JWT_SECRET, ...).
# Plain Dockerfile syntax: the classic builder (Compose v1) and BuildKit build it alike.
ARG NODE_VERSION=24

# pnpm on the maintained Node LTS base that every stage shares.
FROM node:${NODE_VERSION}-bookworm-slim AS base
ENV PNPM_HOME=/pnpm \
    npm_config_store_dir=/pnpm/store \
    CI=true
ENV PATH=$PNPM_HOME:$PATH
RUN npm install --global pnpm@10.34.9
WORKDIR /app

# Every package the lockfile names, downloaded into pnpm's store. Only a change of the lockfile (or
# of the pnpm settings and hook beside it) downloads again. `pnpm fetch` also links the whole
# lockfile, dev tools included, into node_modules: removed, so that each stage below installs only
# what it needs from the store. No install scripts here: native addons are built in prod-deps.
FROM base AS fetch
COPY pnpm-lock.yaml pnpm-workspace.yaml .pnpmfile.cjs ./
RUN pnpm fetch --ignore-scripts && rm -rf node_modules

# The workspace's manifests, and the toolchain that compiles native addons: better-sqlite3 takes a
# prebuilt addon when one downloads for this Node, and compiles otherwise (python3, make, g++),
# against the headers of the base image's Node (nodedir), so the compile downloads nothing.
# The installs below are redone when a manifest changes, not for a source.
FROM fetch AS manifests
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
ENV npm_config_nodedir=/usr/local
COPY package.json ./
COPY packages/platform/package.json packages/platform/
COPY packages/contracts/package.json packages/contracts/
COPY packages/testing/package.json packages/testing/
COPY services/order/package.json services/order/
COPY services/payment/package.json services/payment/
COPY services/product/package.json services/product/
COPY tests/package.json tests/

# Build: every dependency (TypeScript, the Prisma CLI), the generated Prisma clients, `tsc --build`.
FROM manifests AS build
# No install scripts: compiling the TypeScript needs no native addon, and the root's postinstall
# (the Prisma clients) runs below, once the schemas and the tsconfig files are here.
RUN pnpm install --frozen-lockfile --offline --ignore-scripts
# The tsconfig files come before the clients are generated: Prisma writes the generated imports'
# extensions (.js or .ts) after the module settings it finds in tsconfig.json.
COPY tsconfig.json tsconfig.base.json tsconfig.emit.json tsconfig.build.json ./
COPY prisma prisma
COPY scripts scripts
RUN node scripts/generate.mjs
COPY packages packages
COPY services services
RUN pnpm exec tsc --build tsconfig.build.json

# Production dependencies of the three services only, better-sqlite3's native addon included.
FROM manifests AS prod-deps
# The root's postinstall generates the Prisma clients with the Prisma CLI, a devDependency that a
# production install does not have; the build stage generated and compiled them already.
# Of better-sqlite3's build only the addon is kept (not its C sources and object files).
RUN npm pkg delete scripts.postinstall \
  && pnpm install --prod --frozen-lockfile --offline --filter "{services/*}..." \
  && cd node_modules/.pnpm/better-sqlite3@*/node_modules/better-sqlite3 \
  && test -f build/Release/better_sqlite3.node \
  && find build -mindepth 1 -not -path build/Release -not -path build/Release/better_sqlite3.node -delete \
  && rm -rf deps src

# What runs: Node, the production node_modules, the compiled JavaScript and the SQL migrations,
# owned by root and read-only for the `node` user the services run as.
FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    SERVICE=order
WORKDIR /app
COPY --from=prod-deps /app/node_modules node_modules
COPY --from=prod-deps /app/packages packages
COPY --from=prod-deps /app/services services
COPY --from=build /app/packages/platform/dist packages/platform/dist
COPY --from=build /app/packages/contracts/dist packages/contracts/dist
COPY --from=build /app/services/product/dist services/product/dist
COPY --from=build /app/services/payment/dist services/payment/dist
COPY --from=build /app/services/order/dist services/order/dist
# Each service applies its pending migrations at start.
COPY prisma prisma
# The SQLite files' directory: a volume in the compose files, writable by the services.
RUN mkdir -p data && chown node:node data
USER node
EXPOSE 8000 8001 8002
# Ready = the service answers and its database does (each service's own default port unless PORT is set).
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "const port = process.env.PORT || { order: 8000, product: 8001, payment: 8002 }[process.env.SERVICE]; fetch('http://127.0.0.1:' + port + '/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# exec: node itself receives `docker stop`'s SIGTERM and shuts down gracefully.
CMD ["sh", "-c", "exec node services/${SERVICE}/dist/main.js"]
