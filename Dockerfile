# Waymark: a static binary on a minimal, non-root image.
#   docker build -t waymark .
#   docker run --rm -p 8080:8080 -e WAYMARK_REDIS_URL=redis://redis:6379/0 waymark
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/waymark .

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/waymark /waymark
USER nonroot:nonroot
# Slack and Teams on every interface; the web chat, which has no sign-in,
# is served on loopback only, so it is off here.
ENV WAYMARK_HTTP_ADDR=0.0.0.0:8080 WAYMARK_HTTP_WEB_CHAT=false
EXPOSE 8080
ENTRYPOINT ["/waymark"]
CMD ["serve"]
