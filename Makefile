# Waymark. `make test` is what CI runs; `make eval` measures retrieval on the
# shared Northbridge evaluation set when ../shared is present.

SHARED ?= ../shared
EVAL   ?= $(SHARED)/eval/northbridge
# The bars issue 2 sets for the Northbridge evaluation.
BARS = --min-hit3 0.90 --min-mrr5 0.80 --min-none-empty 0.8 \
       --min-escalate-recall 1 --max-escalate-fp 2 \
       --min-personal-recall 1 --max-personal-fp 2

# The held-out sets in this repository (eval/harrowmere, written without
# looking at the implementation): bars just under its figures, so ground
# lost on a council the search was not tuned on fails CI.
HELDOUT = eval/harrowmere
HELDOUT_BARS = --min-hit3 0.82 --min-mrr5 0.78 --min-none-empty 0.9 \
       --min-escalate-recall 1 --max-escalate-fp 0 \
       --min-personal-recall 1 --max-personal-fp 0

# A second held-out council (eval/ashdown), written after Harrowmere had
# been used, to check changes made from it.
ASHDOWN_BARS = --min-hit3 0.80 --min-mrr5 0.77 --min-none-empty 0.9 \
       --min-escalate-recall 1 --max-escalate-fp 0 \
       --min-personal-recall 1 --max-personal-fp 0

.PHONY: build test eval eval-heldout bench run

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

eval-heldout:
	go run . eval --corpus $(HELDOUT)/corpus --questions $(HELDOUT)/questions.jsonl $(HELDOUT_BARS)
	go run . eval --corpus eval/ashdown/corpus --questions eval/ashdown/questions.jsonl $(ASHDOWN_BARS)

bench:
	go test ./knowledge -run '^$$' -bench . -benchtime 2x

run:
	go run . serve
