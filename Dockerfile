# The hub alone; Kafka and the registry come from docker-compose.yml (or KAFKA_BROKERS / SCHEMA_REGISTRY_URL).
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json tsconfig.json ./
COPY src ./src
COPY schemas ./schemas
COPY connectors ./connectors
COPY flows ./flows
COPY calendars ./calendars
RUN npm ci && npm prune --omit=dev
ENV CRM_HUB_PORT=8080
# Inside the container every interface is the container's own; the port mapping decides who reaches it.
ENV CRM_HUB_HOST=0.0.0.0
EXPOSE 8080
CMD ["node", "dist/src/interfaces/cli/main.js", "run"]
