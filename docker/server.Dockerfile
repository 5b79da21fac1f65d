# The Needle server. Build from the repository root:
#   docker build -f docker/server.Dockerfile -t needle-server .
# Stage 1 compiles the native addons, the TypeScript and the console's static build (the
# server serves it at /console); stage 2 keeps only what runs.
FROM node:20-bookworm-slim AS build
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY . .
RUN npm ci --no-audit --no-fund \
  && NEXT_TELEMETRY_DISABLED=1 TURBO_TELEMETRY_DISABLED=1 \
     npx turbo run build --filter=@needle/server... --filter=@needle/console \
  && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    NEEDLE_HOST=0.0.0.0 \
    NEEDLE_PORT=8080 \
    NEEDLE_DATA_DIR=/var/lib/needle
WORKDIR /app
COPY --from=build /app /app
RUN mkdir -p /var/lib/needle && chown -R node:node /var/lib/needle
USER node
VOLUME ["/var/lib/needle"]
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8080/health').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "apps/server/bin/needle.js", "serve"]
