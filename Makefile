# Waymark. `make test` is what CI runs; `make eval` measures retrieval on the
# shared Northbridge evaluation set when ../shared is present.

SHARED ?= ../shared
EVAL   ?= $(SHARED)/eval/northbridge
# The bars issue 2 sets for the Northbridge evaluation.
BARS = --min-hit3 0.90 --min-mrr5 0.80 --min-none-empty 0.8 \
       --min-escalate-recall 1 --max-escalate-fp 2 \
       --min-personal-recall 1 --max-personal-fp 2

.PHONY: build test eval bench run

build:
	go build -o bin/waymark .

test:
	go test ./...

eval:
	@if [ -d "$(EVAL)" ]; then \
		go run . eval --corpus $(EVAL)/corpus --questions $(EVAL)/questions.jsonl $(BARS); \
	else \
		echo "eval: $(EVAL) not found; skipping (set SHARED=...)"; \
	fi

bench:
	go test ./knowledge -run '^$$' -bench . -benchtime 2x

run:
	go run . serve
