# tests/fuzz/fuzz.mk - libFuzzer harnesses; the top Makefile's `make fuzz`
# and `make fuzz-build` run this file.  Not part of `make check`.
#
#   make fuzz-build          build every harness into $(F)/
#   make fuzz SECONDS=120    and run each for SECONDS (60), in turn
#   make fuzz FUZZERS='rules earn'   only these
#
# The library is built again with clang, coverage and ASan+UBSan into
# $(F)/obj by the top Makefile's own rules; plain tools into $(F)/tools
# make the demo database the importers start from.

F = build-fuzz
FCC = clang
SAN = -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
FCFLAGS = -O1 -g $(SAN)
HFLAGS = $(FCFLAGS) -fsanitize=fuzzer -std=c11 -D_GNU_SOURCE -Wall \
	-Wno-unused-function -Wno-unused-parameter -Ilib -Itests/fuzz \
	-DLOCALEDIR='"/usr/share/locale"'
LIB = $(F)/obj/libjifen.a
LIBS = $(LIB) -lsqlite3 -lcsv -ljansson -lsodium -lnettle -lcrypt
SECONDS ?= 60

FUZZERS = csv jsonl rules earn member-import stock-import stock-receive \
	stock-count sale-import

fuzz-build: $(FUZZERS:%=$(F)/%)

fuzz-build: fuzz-deps
fuzz: fuzz-build
	@$(MAKE) --no-print-directory O=$(F)/tools all
	@F=$(F) FUZZ_SECONDS=$(SECONDS) sh tests/fuzz/run.sh $(FUZZERS)

# clang and libFuzzer: share/deps.sh's optional list, only when missing
fuzz-deps:
	@mkdir -p $(F)
	@echo 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n)' \
	    '{ return 0; }' | $(FCC) -fsanitize=fuzzer -x c -o $(F)/probe - \
	    2>/dev/null || sh share/deps.sh fuzz
	@rm -f $(F)/probe

$(LIB): FORCE
	@$(MAKE) --no-print-directory O=$(F)/obj CC=$(FCC) \
	    CFLAGS='$(FCFLAGS) -fsanitize=fuzzer-no-link' $@

$(F)/csv: tests/fuzz/input.c tests/fuzz/fuzz.h $(LIB)
	$(FCC) $(HFLAGS) -DKIND=JF_IN_CSV -o $@ $< $(LIBS)
$(F)/jsonl: tests/fuzz/input.c tests/fuzz/fuzz.h $(LIB)
	$(FCC) $(HFLAGS) -DKIND=JF_IN_JSONL -o $@ $< $(LIBS)
$(F)/rules: tests/fuzz/rules.c tests/fuzz/fuzz.h $(LIB)
	$(FCC) $(HFLAGS) -o $@ $< $(LIBS)
$(F)/earn: tests/fuzz/earn.c tests/fuzz/fuzz.h $(LIB)
	$(FCC) $(HFLAGS) -o $@ $< $(LIBS)

# An importer: TOOL SUB [EXTRA], its cmd/TOOL.c compiled in.
TOOLFUZZ = $(FCC) $(HFLAGS) -DTOOL_C='"../../cmd/$(1).c"' -DTOOL='"$(1)"' \
	-DSUB='"$(2)"' $(3) -o $@ tests/fuzz/tool.c $(LIBS)
$(F)/member-import: tests/fuzz/tool.c tests/fuzz/fuzz.h cmd/member.c $(LIB)
	$(call TOOLFUZZ,member,import,-DEXTRA='"--update"')
$(F)/stock-import: tests/fuzz/tool.c tests/fuzz/fuzz.h cmd/stock.c $(LIB)
	$(call TOOLFUZZ,stock,import)
$(F)/stock-receive: tests/fuzz/tool.c tests/fuzz/fuzz.h cmd/stock.c $(LIB)
	$(call TOOLFUZZ,stock,receive)
$(F)/stock-count: tests/fuzz/tool.c tests/fuzz/fuzz.h cmd/stock.c $(LIB)
	$(call TOOLFUZZ,stock,count)
$(F)/sale-import: tests/fuzz/tool.c tests/fuzz/fuzz.h cmd/sale.c $(LIB)
	$(call TOOLFUZZ,sale,import)

FORCE:
.PHONY: fuzz fuzz-build fuzz-deps FORCE
