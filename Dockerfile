# Production image: compiled JavaScript, production dependencies only.
# better-sqlite3 builds from source, so the build stage has a compiler.
FROM node:20-bookworm-slim AS build
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
# `npm run build` also trains and serializes the message classifier (dist/nlp-model.json).
COPY bin ./bin
COPY flows ./flows
COPY locales ./locales
COPY nlp ./nlp
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production DOTENV_CONFIG_QUIET=true
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
COPY flows ./flows
COPY locales ./locales
COPY nlp ./nlp
COPY --from=build /app/dist/console/views ./dist/console/views
USER node
EXPOSE 3000
# node itself is PID 1 (no npm, no shell): SIGTERM reaches the graceful shutdown directly.
# --max-old-space-size as in `npm start` and bin/aguavoz.js (see there why).
ENTRYPOINT ["node", "--max-old-space-size=512", "dist/cli/main.js"]
CMD ["web"]
