# DigitNet's server (`digitnet serve`) in a container: built in one stage
# (TypeScript, the wasm kernels and the web page need the dev dependencies),
# run in a second with only the production dependencies and the built files.
#
#   docker build -t digitnet .
#   docker run --rm -p 8080:8080 digitnet                         # one process
#   docker run --rm -p 8080:8080 digitnet serve --host 0.0.0.0 --workers auto
#
# The server is stateless: scale by running more containers behind a load
# balancer. `docker stop` sends SIGTERM: requests in flight get up to 10 s
# (--shutdown-timeout) to finish, so keep docker's own stop timeout above it.

FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# Scripts off: `prepare` would build before the sources are here.
RUN npm ci --ignore-scripts
COPY . .
RUN npm run build

FROM node:20-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
# sharp's native libvips comes prebuilt in an optional dependency, so no install script is needed.
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY --from=build /app/dist/src ./dist/src
COPY --from=build /app/dist/web ./dist/web
COPY models ./models
USER node
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8080/api/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "dist/src/cli/main.js"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8080"]
