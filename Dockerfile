# Waymark: a static binary on a minimal, non-root image.
#   docker build --build-arg VERSION=$(git describe --tags --always) -t waymark .
#   docker compose up            (Waymark and Redis; see docker-compose.yml)
#
# The base images are pinned to exact releases; for a release build, pin
# them by digest too (docker buildx imagetools inspect <image>) so that a
# rebuild is byte-for-byte the same base.
FROM golang:1.26.8-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 GOFLAGS=-buildvcs=false go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/waymark . \
 && /out/waymark version | grep -q "waymark ${VERSION}"

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/waymark /waymark
USER nonroot:nonroot
# Slack and Teams on every interface. The anonymous web chat is for
# loopback only, so it is off here (turn it on with web.oidc or web.links:
# see README, "Signing in to the web chat"). Off loopback serve refuses to
# start without redis.url: a container never keeps state in memory unasked.
# Prometheus metrics on a port of their own, not the public one.
ENV WAYMARK_HTTP_ADDR=0.0.0.0:8080 WAYMARK_HTTP_WEB_CHAT=false WAYMARK_HTTP_ADMIN_ADDR=0.0.0.0:9090
EXPOSE 8080 9090
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 CMD ["/waymark", "healthcheck"]
ENTRYPOINT ["/waymark"]
CMD ["serve"]
