# The README's two commands. Each installs what is missing, builds, then runs.
#   make run    - the workbench on the bundled sample workspace
#   make test   - build and run the whole test suite
# Also: make build, make reduced-test (native Qt 6.4 build without KSyntaxHighlighting), make bench,
#   make fuzz SECONDS=N (every libFuzzer target N seconds, ASan + UBSan, clang).
.PHONY: run test build deps reduced-test bench fuzz
run:
	@tools/dev.sh run
test:
	@tools/dev.sh test
build:
	@tools/dev.sh build
deps:
	@tools/dev.sh deps
reduced-test:
	@tools/dev.sh reduced-test
bench:
	@tools/dev.sh bench
fuzz:
	@tools/dev.sh fuzz $(or $(SECONDS),60)
