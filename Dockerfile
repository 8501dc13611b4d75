# syntax=docker/dockerfile:1
# The Tally service image: one image for every role (TALLY_ROLES picks intake, recorder,
# projector). Built by docker-compose.yml; runs the compiled server, never ts sources.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
# Then drop the dev dependencies so the runtime stage copies production modules only.
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    TALLY_DATA_DIR=/app/data
WORKDIR /app
# package.json marks the root the server resolves its files (dist/dashboard) from.
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health/live').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "dist/apps/tally-server/src/main.js"]
