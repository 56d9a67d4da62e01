# Dojo — build, test, bench. Every target works on a fresh machine after .ci/run's installs.
GO        ?= go
BIN       ?= bin
PLUGINS   := $(wildcard plugins/*/*/main.go)
PLUGIN_DIRS := $(patsubst %/main.go,%,$(PLUGINS))
PROTOC_GEN_GO_VERSION      := v1.36.12
PROTOC_GEN_GO_GRPC_VERSION := v1.5.1
PROTOC_GEN_CONNECT_GO_VERSION := v1.21.1

# Debian packages the tests and benchmarks use: scikit-learn and friends compute reference scores,
# through /usr/bin/python3 (the python3 on PATH may be another interpreter).
APT_PACKAGES := python3-sklearn python3-pandas python3-numpy python3-scipy python3-statsmodels r-base-core r-cran-palmerpenguins r-cran-mlbench r-cran-modeldata r-cran-cardata dataset-fashion-mnist chromium

.PHONY: all deps build plugins image test bench demo proto lint clean

all: build

## deps: install the Debian packages above when missing (needs root or sudo)
deps:
	@missing=$$(for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing:" $$missing; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi

## build: the host CLI at bin/dojo and every plugin binary under bin/plugins
build: plugins
	$(GO) build -o $(BIN)/dojo ./cmd/dojo

plugins:
	@mkdir -p $(BIN)/plugins
	$(GO) build -o $(BIN)/plugins/ $(addprefix ./,$(PLUGIN_DIRS))

## image: the dojo-runtime image of the docker sandbox, built without a registry (images/runtime);
## skipped when an image of the same recipe exists
image:
	images/runtime/build.sh

## test: every test, with the race detector
test: deps build image
	$(GO) vet ./...
	$(GO) test -race -count=1 -timeout 30m ./...

## demo: a real episode: the baseline agent plays a starter competition (Pima diabetes, real data from
## Debian's r-cran-mlbench) in the local sandbox, rewarded by HumanRank on the reference leaderboards
DEMO_COMPETITION ?= pima-diabetes@1
demo: deps build
	$(BIN)/dojo competitions prepare --pack starter --id $(DEMO_COMPETITION)
	$(BIN)/dojo play --competition $(DEMO_COMPETITION) --agent baseline

## bench: benchmarks and the comparison report against pandas + scikit-learn, printed and written to
## $(BENCH_REPORT) (set BENCH_REPORT= to only print it); BENCH_FLAGS adds benchreport flags, e.g. a quick
## run of two metric families: make bench BENCH_REPORT= BENCH_FLAGS='-families rmse,dice -family-scale 0.1'
BENCH_REPORT ?= docs/benchmarks.md
BENCH_FLAGS  ?=
bench: deps build
	$(GO) run ./internal/benchreport -bin $(BIN) -go "$(GO)" -o "$(BENCH_REPORT)" $(BENCH_FLAGS)

## proto: regenerate the committed protobuf code (needs protoc, with its google/protobuf includes)
proto:
	GOBIN=$(CURDIR)/.cache/bin $(GO) install google.golang.org/protobuf/cmd/protoc-gen-go@$(PROTOC_GEN_GO_VERSION)
	GOBIN=$(CURDIR)/.cache/bin $(GO) install google.golang.org/grpc/cmd/protoc-gen-go-grpc@$(PROTOC_GEN_GO_GRPC_VERSION)
	PATH=$(CURDIR)/.cache/bin:$$PATH protoc -I pluginapi/internal/proto \
	  --go_out=pluginapi/internal/proto --go_opt=paths=source_relative \
	  --go-grpc_out=pluginapi/internal/proto --go-grpc_opt=paths=source_relative \
	  pluginapi/internal/proto/plugin.proto
	GOBIN=$(CURDIR)/.cache/bin $(GO) install connectrpc.com/connect/cmd/protoc-gen-connect-go@$(PROTOC_GEN_CONNECT_GO_VERSION)
	PATH=$(CURDIR)/.cache/bin:$$PATH protoc -I host/server/apiv1 \
	  --go_out=host/server/apiv1 --go_opt=paths=source_relative \
	  --connect-go_out=host/server/apiv1 --connect-go_opt=paths=source_relative \
	  host/server/apiv1/env.proto

## lint: formatting and vet
lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

clean:
	rm -rf $(BIN)
