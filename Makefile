# strazh — the two commands a newcomer needs: `make demo` and `make test`.
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
# The build date: SOURCE_DATE_EPOCH when set (reproducible builds), else now.
BUILD_DATE ?= $(shell date -u -d @$${SOURCE_DATE_EPOCH:-$$(date +%s)} +%Y-%m-%dT%H:%M:%SZ 2>/dev/null)
LDFLAGS := -s -w -X main.version=$(VERSION) -X main.buildDate=$(BUILD_DATE)
GO      ?= go
BIN     := bin/strazh
CORPUS  ?= ../shared/corpus

.PHONY: all build test test-short vet lint fuzz demo demo-vk screenshots bench eval model generate deploy-check crash-test clean man deb deb-check

all: build

build:
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/strazh

## test: vet, gofmt check and every test with the race detector (what CI runs)
test: vet
	@fmt=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$fmt" ]; then echo "gofmt needed:"; echo "$$fmt"; exit 1; fi
	$(GO) test -race -count=1 ./...

test-short:
	$(GO) test -short -count=1 ./...

vet:
	$(GO) vet ./...

## lint: vet, gofmt, staticcheck and go mod tidy; a missing tool fails it
## (install: go install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION))
STATICCHECK_VERSION := v0.8.2
STATICCHECK ?= $(shell command -v staticcheck 2>/dev/null || echo "$$($(GO) env GOPATH)/bin/staticcheck")
lint: vet
	@fmt=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$fmt" ]; then echo "gofmt needed:"; echo "$$fmt"; exit 1; fi
	@test -x "$(STATICCHECK)" || { echo "staticcheck not found: go install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)"; exit 1; }
	@v=$$("$(STATICCHECK)" -version); case "$$v" in *"$(STATICCHECK_VERSION:v%=%)"*) ;; *) echo "staticcheck is $$v, want $(STATICCHECK_VERSION)"; exit 1;; esac
	"$(STATICCHECK)" ./...
	$(GO) mod tidy -diff

## fuzz: every fuzz target for FUZZTIME (default 5s) each, seeds in testdata/fuzz
fuzz:
	./scripts/fuzz.sh

## demo: the real daemon against a simulated network and Telegram chat, no tokens
demo: build
	./$(BIN) demo

demo-vk: build
	./$(BIN) demo -network vk

## screenshots: docs/console-queue.png and docs/console-stats.png from the review console in headless Chromium
screenshots:
	$(GO) test -count=1 -run TestWebConsole_Browser ./cmd/strazh -args -screenshots

## bench: pipeline, store, rules and connector benchmarks with allocations
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

## eval: the rule engine's precision and recall on the development corpus, then the municipal VK regression set
eval: build
	./$(BIN) eval $(CORPUS)/russe_detox_2022.jsonl $(CORPUS)/telegram_spam_ru.jsonl $(CORPUS)/stankin_antispam.jsonl $(CORPUS)/peer/*.jsonl
	./$(BIN) eval -config rules/testdata/eval/municipal_vk.config.yaml rules/testdata/municipal_vk.jsonl

## model: rebuild the shipped model (rules/model/shipped.model) byte for byte from the corpus
MODEL_SOURCES := russe_detox_2022.jsonl 2ch_pikabu_toxic.jsonl telegram_spam_ru.jsonl stankin_antispam.jsonl
model:
	$(GO) run ./cmd/strazh train -o rules/model/shipped.model $(addprefix $(CORPUS)/,$(MODEL_SOURCES))

## crash-test: the SIGKILL crash test, 20 times
crash-test:
	$(GO) test -count=20 -run TestDaemon_SurvivesSIGKILL ./cmd/strazh

## generate: regenerate checked-in outputs (config/strazh.schema.json)
generate:
	$(GO) generate ./...

deploy-check:
	./deploy/check.sh

## man: the strazh(8) page from the commands' own help and config.example.yaml
man: build
	LC_ALL=C ./$(BIN) man -config-reference config.example.yaml > bin/strazh.8

## deb: a Debian package from a staged tree (dpkg-deb); DEB_VERSION must start with a digit
DEB_VERSION ?= $(shell ./deploy/debian/version.sh)
DEB_BIN := bin/deb/strazh
deb:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '-s -w -X main.version=$(DEB_VERSION) -X main.buildDate=$(BUILD_DATE)' -o $(DEB_BIN) ./cmd/strazh
	./deploy/debian/build.sh $(DEB_BIN) $(DEB_VERSION) bin

## deb-check: build the package, list it and run lintian on it
deb-check: deb
	./deploy/debian/check.sh bin/strazh_$(DEB_VERSION)_$$(dpkg --print-architecture).deb

clean:
	rm -rf bin
