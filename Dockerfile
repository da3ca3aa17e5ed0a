# One image for the three services; docker-compose.yml picks the service with SERVICE.
FROM node:20-bookworm-slim AS build
# better-sqlite3 builds its native addon when no prebuilt binary fits.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ ca-certificates \
  && rm -rf /var/lib/apt/lists/*
RUN npm install -g pnpm@10.34.9
WORKDIR /app
COPY . .
# The root postinstall generates the Prisma clients (scripts/generate.mjs).
RUN pnpm install --frozen-lockfile

FROM node:20-bookworm-slim
WORKDIR /app
COPY --from=build /app /app
RUN mkdir -p /app/data && chown -R node:node /app/data
USER node
ENV HOST=0.0.0.0 \
    SERVICE=order
# Migrations are applied by the service itself at start.
CMD ["sh", "-c", "exec node --import tsx services/${SERVICE}/src/main.ts"]
