# One image for all four services; SERVICE picks which one runs:
#   docker build -t multipartner .
#   docker run -e SERVICE=request-service -e KAFKA_BROKERS=... -e REDIS_URL=... multipartner
# (docker-compose.yml sets SERVICE for each service.)

FROM node:24-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

FROM node:24-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
USER node
# Shell form so that ${SERVICE} is expanded when the container starts; exec makes node PID 1
# so it gets SIGTERM from `docker stop` directly.
CMD ["sh", "-c", "exec node dist/apps/${SERVICE:?set SERVICE to one of directory-service, request-service, consent-service, notification-service}/src/main.js"]
