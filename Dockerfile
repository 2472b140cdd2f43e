# Waymark: a static binary on a minimal, non-root image.
#   docker build -t waymark .
#   docker run --rm -p 8080:8080 waymark search "who is the LADO"
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
ENTRYPOINT ["/waymark"]
CMD ["search"]
