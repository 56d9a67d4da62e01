# Dojo — build, test, bench. Every target works on a fresh machine after .ci/run's installs.
GO        ?= go
BIN       ?= bin
PLUGINS   := $(wildcard plugins/*/*/main.go)
PLUGIN_DIRS := $(patsubst %/main.go,%,$(PLUGINS))
PROTOC_GEN_GO_VERSION      := v1.36.12
PROTOC_GEN_GO_GRPC_VERSION := v1.5.1

.PHONY: all build plugins test test-short bench proto lint clean

all: build

## build: the host CLI at bin/dojo and every plugin binary under bin/plugins
build: plugins
	$(GO) build -o $(BIN)/dojo ./cmd/dojo

plugins:
	@mkdir -p $(BIN)/plugins
	$(GO) build -o $(BIN)/plugins/ $(addprefix ./,$(PLUGIN_DIRS))

## test: every test, with the race detector
test: build
	$(GO) vet ./...
	$(GO) test -race -count=1 -timeout 20m ./...

## bench: benchmarks and the comparison report against Python references
bench: build
	$(GO) run ./internal/benchreport -bin $(BIN)

## proto: regenerate the committed protobuf code (needs protoc)
proto:
	GOBIN=$(CURDIR)/.cache/bin $(GO) install google.golang.org/protobuf/cmd/protoc-gen-go@$(PROTOC_GEN_GO_VERSION)
	GOBIN=$(CURDIR)/.cache/bin $(GO) install google.golang.org/grpc/cmd/protoc-gen-go-grpc@$(PROTOC_GEN_GO_GRPC_VERSION)
	PATH=$(CURDIR)/.cache/bin:$$PATH protoc -I pluginapi/internal/proto \
	  --go_out=pluginapi/internal/proto --go_opt=paths=source_relative \
	  --go-grpc_out=pluginapi/internal/proto --go-grpc_opt=paths=source_relative \
	  pluginapi/internal/proto/plugin.proto

## lint: formatting and vet
lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

clean:
	rm -rf $(BIN)
