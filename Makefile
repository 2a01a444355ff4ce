# jifen - a store's purchase-sales-inventory book and loyalty points.
#
#   make            build lib/libjifen.a and the seven tools into $(O)/bin
#   make check      unit tests and every bats suite; ends "N passed, N failed"
#   make check-asan the same, built with AddressSanitizer and UBSan
#   make check-pg   the same against a throwaway PostgreSQL cluster
#   make sim        the seeded simulation of the points book, SEED=1 STEPS=2000
#                   (SEED=1,2,3 for several; FEATURES=all for the known bugs)
#   make demo       a demo store's day, on a fresh database
#   make bench      issue 15's table: imports, a till, report audit and daily,
#                   each against its baseline (share/bench.sh)
#   make fuzz       libFuzzer harnesses, SECONDS=60 each (fuzz-build: build only)
#   make install    PREFIX=/usr/local DESTDIR= BINLINKS=yes (make uninstall
#                   undoes it): jifen in bin, the tools in libexec/jifen
#   make pot        po/jifen.pot, the messages extracted afresh (po/xgettext.sh)

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
# the seven tools, whose names are too common for bin/: jifen runs them
# (jifen report daily); BINLINKS=no leaves out their links in BINDIR
LIBEXECDIR ?= $(PREFIX)/libexec/jifen
BINLINKS ?= yes
MANDIR ?= $(PREFIX)/share/man
DATADIR ?= $(PREFIX)/share
LOCALEDIR ?= $(DATADIR)/locale
O ?= build

CC ?= cc
CFLAGS ?= -O2 -g
# -MMD -MP: each object's header dependencies, kept beside it (.d)
WARN = -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers \
	-Wshadow -Wmissing-prototypes \
	-Wstrict-prototypes -Wformat=2
override CFLAGS += -std=c11 -D_GNU_SOURCE $(WARN) -MMD -MP \
	-Ilib -I$(PGINC) -DLOCALEDIR='"$(LOCALEDIR)"' -DLIBEXECDIR='"$(LIBEXECDIR)"'
# libpq's headers: where Debian's libpq-dev puts them
ifndef PGINC
PGINC := $(shell pg_config --includedir 2>/dev/null || echo /usr/include/postgresql)
endif
LDLIBS = -lsqlite3 -lcsv -ljansson -lsodium -lnettle -lcrypt

TOOLS = member stock sale points redeem expire report jifen
LIBSRC = $(wildcard lib/*.c)
LIBOBJ = $(LIBSRC:%.c=$(O)/%.o) $(O)/embed.o
LIB = $(O)/libjifen.a
BINS = $(patsubst cmd/%.c,$(O)/bin/%,$(wildcard cmd/*.c))
UNITSRC = $(wildcard tests/unit/*.c)
UNITS = $(UNITSRC:tests/unit/%.c=$(O)/unit/%)
HDRS = $(wildcard lib/*.h)

# The message catalogs: po/LL.po compiled (msgfmt --check) for the build
# into $(O)/locale, where $JIFEN_LOCALEDIR points the tests; installed
# into $(LOCALEDIR).
LINGUAS = $(patsubst po/%.po,%,$(wildcard po/*.po))
MOS = $(LINGUAS:%=$(O)/locale/%/LC_MESSAGES/jifen.mo)

all: $(BINS) $(MOS)

$(O)/lib/%.o: lib/%.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -c -o $@ $<

# The schema and the default rules, embedded so an installed tool needs
# no share/ file to start.
$(O)/embed.c: share/schema.sql share/schema-pg.sql share/rules.json share/embed.awk
	@mkdir -p $(@D)
	awk -v name=jf_schema_sql -f share/embed.awk share/schema.sql > $@.tmp
	awk -v name=jf_schema_pg_sql -f share/embed.awk share/schema-pg.sql >> $@.tmp
	awk -v name=jf_rules_json -f share/embed.awk share/rules.json >> $@.tmp
	mv $@.tmp $@

$(O)/embed.o: $(O)/embed.c
	$(CC) $(CFLAGS) -c -o $@ $<

$(LIB): $(LIBOBJ)
	rm -f $@
	$(AR) rcs $@ $(LIBOBJ)

$(O)/bin/%: cmd/%.c $(LIB)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $< $(LIB) $(LDFLAGS) $(LDLIBS)

$(O)/unit/%: tests/unit/%.c $(LIB)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $< $(LIB) $(LDFLAGS) $(LDLIBS)

$(O)/locale/%/LC_MESSAGES/jifen.mo: po/%.po
	@mkdir -p $(@D)
	msgfmt --check -o $@.tmp $<
	mv $@.tmp $@

pot:
	sh po/xgettext.sh po/jifen.pot

-include $(wildcard $(O)/lib/*.d $(O)/bin/*.d $(O)/unit/*.d)

deps:
	@sh share/deps.sh

check: deps all $(UNITS)
	@O=$(O) sh tests/run.sh

# the same suite against PostgreSQL: a throwaway cluster (tests/pg.sh)
check-pg: deps all $(UNITS)
	@O=$(O) sh tests/pg.sh sh tests/run.sh

check-asan:
	$(MAKE) O=build-asan CFLAGS='-O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer' \
		LDFLAGS='-fsanitize=address,undefined' check

demo: deps all
	@O=$(O) sh share/demo.sh

# tests/sim/sim.py: random operations against a model of DESIGN.md 4
SEED ?= 1
STEPS ?= 2000
sim: all
	@O=$(O) python3 tests/sim/sim.py --seeds $(SEED) --steps $(STEPS) \
		$(if $(FEATURES),--features $(FEATURES))
.PHONY: sim

bench: deps all
	@O=$(O) sh share/bench.sh

fuzz fuzz-build:
	@$(MAKE) --no-print-directory -f tests/fuzz/fuzz.mk $@

lint-man:
	@if command -v mandoc >/dev/null; then \
		mandoc -Tlint -Wwarning share/man/man1/*.1 share/man/man7/*.7; \
	else echo "mandoc not installed: man pages not linted"; fi

format:
	clang-format -i lib/*.c lib/*.h cmd/*.c tests/unit/*.c

# the Chinese man pages, as they are written
ZHMAN = $(wildcard share/man/zh_CN/man1/*.1 share/man/zh_CN/man7/*.7)

install: all
	mkdir -p $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBEXECDIR) \
		$(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(MANDIR)/man7 $(DESTDIR)$(DATADIR)/jifen \
		$(DESTDIR)$(DATADIR)/bash-completion/completions \
		$(DESTDIR)$(DATADIR)/zsh/site-functions \
		$(DESTDIR)$(DATADIR)/fish/vendor_completions.d
	install -m 755 $(O)/bin/jifen $(DESTDIR)$(BINDIR)/jifen
	for t in $(filter-out jifen,$(TOOLS)); do \
		install -m 755 $(O)/bin/$$t $(DESTDIR)$(LIBEXECDIR)/$$t; \
		if [ "$(BINLINKS)" = yes ]; then \
			ln -sf $(LIBEXECDIR)/$$t $(DESTDIR)$(BINDIR)/$$t; fi; \
	done
	for t in $(TOOLS); do \
		install -m 644 share/man/man1/$$t.1 $(DESTDIR)$(MANDIR)/man1/$$t.1; \
		install -m 644 completions/bash/$$t $(DESTDIR)$(DATADIR)/bash-completion/completions/$$t; \
		install -m 644 completions/zsh/_$$t $(DESTDIR)$(DATADIR)/zsh/site-functions/_$$t; \
		install -m 644 completions/fish/$$t.fish $(DESTDIR)$(DATADIR)/fish/vendor_completions.d/$$t.fish; \
	done
	mkdir -p $(DESTDIR)$(DATADIR)/fish/vendor_functions.d
	install -m 644 completions/bash/_jifen_list $(DESTDIR)$(DATADIR)/bash-completion/completions/_jifen_list
	install -m 644 completions/zsh/_jifen_list $(DESTDIR)$(DATADIR)/zsh/site-functions/_jifen_list
	install -m 644 completions/fish/__jifen_list.fish $(DESTDIR)$(DATADIR)/fish/vendor_functions.d/__jifen_list.fish
	install -m 644 share/man/man7/jifen.7 $(DESTDIR)$(MANDIR)/man7/jifen.7
	install -m 644 share/man/man7/jifen-chain.7 $(DESTDIR)$(MANDIR)/man7/jifen-chain.7
	for l in $(LINGUAS); do \
		mkdir -p $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES; \
		install -m 644 $(O)/locale/$$l/LC_MESSAGES/jifen.mo \
		    $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES/jifen.mo; \
	done
	for p in $(ZHMAN); do \
		mkdir -p $(DESTDIR)$(MANDIR)/zh_CN/$$(basename $$(dirname $$p)); \
		install -m 644 $$p $(DESTDIR)$(MANDIR)/zh_CN/$${p#share/man/zh_CN/}; \
	done
	install -m 644 share/rules.json share/schema.sql share/schema-pg.sql \
	    $(DESTDIR)$(DATADIR)/jifen/
	install -m 755 share/topg.sh $(DESTDIR)$(DATADIR)/jifen/topg.sh
	cp -R share/jifen/. $(DESTDIR)$(DATADIR)/jifen/

uninstall:
	for t in $(TOOLS); do \
		rm -f $(DESTDIR)$(BINDIR)/$$t $(DESTDIR)$(LIBEXECDIR)/$$t \
		    $(DESTDIR)$(MANDIR)/man1/$$t.1 \
		    $(DESTDIR)$(DATADIR)/bash-completion/completions/$$t \
		    $(DESTDIR)$(DATADIR)/zsh/site-functions/_$$t \
		    $(DESTDIR)$(DATADIR)/fish/vendor_completions.d/$$t.fish; \
	done
	rm -f $(DESTDIR)$(DATADIR)/bash-completion/completions/_jifen_list \
	    $(DESTDIR)$(DATADIR)/zsh/site-functions/_jifen_list \
	    $(DESTDIR)$(DATADIR)/fish/vendor_functions.d/__jifen_list.fish
	rm -f $(DESTDIR)$(MANDIR)/man7/jifen.7 $(DESTDIR)$(MANDIR)/man7/jifen-chain.7
	for l in $(LINGUAS); do \
		rm -f $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES/jifen.mo; \
	done
	for p in $(ZHMAN); do \
		rm -f $(DESTDIR)$(MANDIR)/zh_CN/$${p#share/man/zh_CN/}; \
	done
	rm -rf $(DESTDIR)$(DATADIR)/jifen
	-rmdir $(DESTDIR)$(LIBEXECDIR) 2>/dev/null

clean:
	rm -rf build build-asan build-fuzz

.PHONY: all deps check check-asan demo bench fuzz fuzz-build lint-man format \
	install uninstall clean pot
.SECONDARY:
