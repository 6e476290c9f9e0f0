# deskbot: a static binary on a minimal, non-root image. Configuration only by environment
# (see README.md); the knowledge base is embedded, DESKBOT_KB may lay a directory over it.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/deskbot ./cmd/deskbot

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/deskbot /usr/local/bin/deskbot
USER nonroot:nonroot
EXPOSE 8080
ENV DESKBOT_ADDR=:8080
ENTRYPOINT ["/usr/local/bin/deskbot"]
CMD ["serve"]
