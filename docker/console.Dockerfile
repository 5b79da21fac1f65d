# The admin console on its own: its static build behind nginx, which proxies every other path
# (the API, /trpc, /metrics) to the Needle server. The server image serves the console itself
# at /console; this image is for putting the console on another host or network than the API.
# Build from the repository root:
#   docker build -f docker/console.Dockerfile -t needle-console .
FROM node:20-bookworm-slim AS build
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY . .
ENV NEXT_TELEMETRY_DISABLED=1 TURBO_TELEMETRY_DISABLED=1
RUN npm ci --no-audit --no-fund \
  && npx turbo run build --filter=@needle/console

FROM nginxinc/nginx-unprivileged:1.29-alpine
COPY docker/console/nginx.conf /etc/nginx/conf.d/default.conf
COPY --from=build /app/apps/console/out /usr/share/nginx/html/console
USER 101
EXPOSE 8081
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s --retries=3 \
  CMD ["wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8081/console/"]
