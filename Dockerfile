# roomdesk: a static binary on distroless, running as nonroot.
# Build: docker build -t roomdesk .
# Run:   docker run -p 8080:8080 -v roomdesk-data:/data roomdesk
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
# Only the sources: a local ./data (database, keys) must never enter an image.
COPY main.go ./
COPY handlers handlers
COPY internal internal
COPY static static
COPY views views
# templ output is committed, so the build needs no code generation.
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/roomdesk . \
 && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/roomdesk /roomdesk
COPY --from=build --chown=nonroot:nonroot /out/data /data
ENV ROOMDESK_ADDR=0.0.0.0:8080 \
    ROOMDESK_DATA_DIR=/data
VOLUME /data
EXPOSE 8080
USER nonroot:nonroot
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 CMD ["/roomdesk", "healthcheck"]
ENTRYPOINT ["/roomdesk"]
CMD ["serve"]
