#!/usr/bin/env python3
"""sim.py - a seeded, deterministic simulation of a shop's points book.

What it is for: the unit and bats tests try the orders of events someone
thought of; this tries the ones nobody did.  From a seed it draws thousands
of operations - members joining, sales with and without points, whole and
partial returns, gifts and their cancels, adjustments, awards, expiry runs,
tier recalcs, new rules documents, the clock moving minutes, days and
months, members frozen and forgotten - and runs each through the BUILT
tools ($O/bin/member, sale, ...) on a fresh database, with JIFEN_NOW as the
clock and TZ=UTC.  Beside the book it keeps its own model of DESIGN.md
section 4, written here from the text and not from lib/: members with their
lots (expiry, debt, tier), products, the rules versions, every sale with the
rules it was computed by.  Money and points are Python ints; multipliers are
exact fractions of hundredths; nothing is a float.

The readings of the tools the model follows (the man pages, sale(1),
points(1), redeem(1), report(1)): the balance printed leaves out lapsed
lots (expires_on before today) that expire(1) has not booked yet, and
expiring counts only today .. today + remind_days; a partial return
reverses earned_before - earned(kept lines) by the sale's rules, tier and
multipliers as sold, a whole one what is left of the earning plus the
member's bonuses, each capped by what the receipt gained less what was
reversed and what expired of its lots (the referrer's bonus likewise);
points given back pay a debt first, then go back to the lots they came
from, the last taken first, then a new lot; with pending_days a sale's
earning and bonuses may be spent only from that many days on; multiply
stacking is exact; a sale dated more than five minutes after the clock is
refused.  Issue 14's marketing rules: a day listed in `holidays` matches a
multiplier's or threshold's "holiday" day; a spend threshold books a bonus
named by it (ref the receipt, in bonus_points) when an active member's paid
total reaches min_paid while its days/from/to/hours hold; a whole return
takes it back with the other bonuses, a partial return whose kept lines pay
(kept gross less the points still used on them at the sale's rate) below
min_paid takes back what is left of it, capped like any reversal, as a
reversal named by the threshold, counted in points_reversed, and before
the earning's reversal, which stays earned_before - earned(kept); a tier's
discount prices list-priced lines to its active members half up to the
fen (sale's discount column, each line's list_price), its gift_discount
prices each unit of a gift up to a whole point (redeem gift's list_points
the undiscounted).

How it checks: each operation's output (`-o json`) and exit status must be
what the model predicts (a refusal is exit 1, and the model must refuse
too); the members it touched must have the model's balance and the model's
ledger history; `sale quote` must print what `sale add` then does, and
`redeem quote` the most points the till then takes; a dry run (`-n`) must
print what the real run prints and leave the database file byte-identical
(on PostgreSQL its rows, as pg_dump writes them); and every few steps every member, the sales reports (by day, product,
category, member must add up to the same totals), `report daily`, the tiers
and `report audit` are compared with the model.

Operations are data (one JSON object each, names and receipts chosen by the
sim, not the tools), so a failing run can be replayed.  On a failure it
prints the seed and the check, then shrinks the operations by delta
debugging (replaying subsets on a fresh book) to the shortest sequence that
still fails the same check, and prints it as operations and as the shell
commands that reproduce it.

Parts of the model are features (--features or JIFEN_SIM_FEATURES, a
comma-separated list: NAME turns one on, -NAME off, `all` every one,
`none` none, starting from the defaults, DEFAULT_ON).  A feature that is
off keeps its operations out: an operation that would meet it is skipped,
and counted.  The features of issue 9 are on since the library's fixes
landed; a feature off by default names a known difference between the
tools and DESIGN.md (see FEATURES).

    python3 tests/sim/sim.py --seed 1 --steps 2000
    python3 tests/sim/sim.py --seeds 1,2,3 --seconds 20
    python3 tests/sim/sim.py --replay ops.jsonl

With $JIFEN_TEST_PG set (make check-pg, tests/pg.sh), each book is a new
database of that PostgreSQL cluster, dropped when its run ends.
"""

import argparse
import calendar
import copy
import datetime
import hashlib
import json
import os
import random
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from fractions import Fraction

# Operations or checks that can be kept off (see DEFAULT_ON for the ones
# that are on unless --features says otherwise).
FEATURES = {
    "pending": "rules with pending_days (DESIGN 4) and the balance's "
               "pending column",
    "product-change": "partial returns of receipts whose products changed "
                      "category or no-points since the sale",
    "return-after-expiry": "returns of receipts some of whose points expired",
    "restore-in-debt": "points given back (returns, cancels) to a member "
                       "in debt",
    "lapsed-quote": "redeem quote and the balance's expiring figures for a "
                    "member holding lapsed lots",
    "report-lines": "report sales --by product|category offset and paid "
                    "adding up to the receipts'",
    "multiply-inexact": "multiply stacking whose stacked factors have more "
                        "than two decimals",
    "adjust-stream": "points adjust - reading a member stream",
    # found by the long run and fixed in lib/ledger.c (3b2ce81)
    "restore-past-given-back": "points used given back by a second "
                               "partial return go to a lot up to what the "
                               "sale took of it, although the first gave "
                               "those back already (the tools fill the lot "
                               "past it)",
    "stream-refused-lapse": "a row of points adjust - refused for short "
                            "points, by a member holding lapsed lots: the "
                            "tools keep the lapse-expiry the refused "
                            "spending booked",
    "marketing": "rules with holidays, spend thresholds (booked by sales, "
                 "taken back by returns) and tiers' discount and "
                 "gift_discount; time windows (hours) on multipliers "
                 "(issue 14)",
}

# on unless turned off (-NAME): what the tools do as DESIGN.md and the man
# pages say
DEFAULT_ON = {"pending", "product-change", "return-after-expiry",
              "restore-in-debt", "lapsed-quote", "report-lines",
              "multiply-inexact", "adjust-stream", "restore-past-given-back",
              "stream-refused-lapse", "marketing"}

START = datetime.datetime(2025, 1, 6, 9, 0, 0)  # a Monday
DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
CATEGORIES = ["tea", "cup", "snack", "gift", None]


class SimFailure(Exception):
    def __init__(self, check, detail):
        super().__init__("%s: %s" % (check, detail))
        self.check = check
        self.detail = detail


class Refused(Exception):
    """The model refuses an operation (the tool must exit 1)."""


# ---------------------------------------------------------------------------
# numbers, dates

def dec(s):
    """An exact decimal string ("1.5", "12.50", "3") in hundredths."""
    s = str(s)
    whole, _, frac = s.partition(".")
    frac = (frac + "00")[:2]
    return int(whole or "0") * 100 + int(frac)


def money(fen):
    sign = "-" if fen < 0 else ""
    fen = abs(fen)
    return "%s%d.%02d" % (sign, fen // 100, fen % 100)


def ts(dt):
    return dt.strftime("%Y-%m-%d %H:%M:%S")


def add_months(day, months):
    """day + months, the same day of the month clamped to its end."""
    y, m = divmod(day.month - 1 + months, 12)
    y += day.year
    m += 1
    return day.replace(year=y, month=m,
                       day=min(day.day, calendar.monthrange(y, m)[1]))


def floor_frac(x):
    return x.numerator // x.denominator


# ---------------------------------------------------------------------------
# the rules

DEFAULT_RULES = {
    "earn": {"points": 1, "per_amount": "1.00"},
    "multipliers": [{"name": "weekend", "days": ["sat", "sun"],
                     "factor": "1.5"}],
    "stacking": "max",
    "tiers": [{"name": "normal", "min_points": 0, "factor": "1"},
              {"name": "silver", "min_points": 2000, "factor": "1.2"},
              {"name": "gold", "min_points": 5000, "factor": "1.5"}],
    "bonuses": {"signup": 100, "profile": 50, "birthday": 200,
                "referral": 300},
    "activities": {"share": {"points": 50, "daily_cap": 1},
                   "review": {"points": 20, "daily_cap": 5}},
    "expiry": {"months": 24, "remind_days": 30},
    "offset": {"points": 100, "value": "10.00", "min_points": 100,
               "min_order": "200.00", "max_value": "500.00"},
    "pending_days": 0,
}


class Rules:
    """One rules document, defaults filled in, numbers as ints."""

    def __init__(self, doc):
        d = copy.deepcopy(DEFAULT_RULES)
        for k, v in doc.items():
            if isinstance(v, dict) and k in ("earn", "bonuses", "expiry",
                                             "offset"):
                d[k].update(v)
            else:
                d[k] = v
        self.earn_points = d["earn"]["points"]
        self.per_amount = dec(d["earn"]["per_amount"])
        self.multipliers = d["multipliers"]
        self.stacking = d["stacking"]
        self.tiers = [(t["name"], t["min_points"], dec(t["factor"]))
                      for t in d["tiers"]]
        # a tier's VIP privileges, in hundredths (100: none)
        self.discounts = {t["name"]: (dec(t.get("discount", "1")),
                                      dec(t.get("gift_discount", "1")))
                          for t in d["tiers"]}
        self.holidays = set(d.get("holidays", []))
        self.thresholds = [dict(t, min_paid=dec(t["min_paid"]))
                           for t in d.get("thresholds", [])]
        self.bonuses = d["bonuses"]
        self.activities = d["activities"]
        self.expiry_months = d["expiry"]["months"]
        self.remind_days = d["expiry"]["remind_days"]
        o = d["offset"]
        self.off_points = o["points"]
        self.off_value = dec(o["value"])
        self.off_min_points = o["min_points"]
        self.off_min_order = dec(o["min_order"])
        self.off_max_value = dec(o["max_value"])
        self.pending_days = d.get("pending_days", 0)

    def tier_factor(self, name):
        for n, _, f in self.tiers:
            if n == name:
                return f
        return 100

    def tier_rank(self, name):
        for i, t in enumerate(self.tiers):
            if t[0] == name:
                return i
        return -1

    def tier_for(self, pts):
        best = self.tiers[0][0]
        for n, mp, _ in self.tiers:
            if pts >= mp:
                best = n
        return best

    def when(self, m, at):
        """Whether the time conditions of a multiplier or threshold hold
        at at: days (a weekday listed, or "holiday" listed and the day one
        of the holidays), from, to (inclusive dates), hours ("HH:MM-HH:MM",
        the end excluded, across midnight when it is the smaller)."""
        day = at.date().isoformat()
        if "days" in m and DAYS[at.weekday()] not in m["days"] and not (
                "holiday" in m["days"] and day in self.holidays):
            return False
        if "from" in m and day < m["from"]:
            return False
        if "to" in m and day > m["to"]:
            return False
        if "hours" in m:
            h = m["hours"]
            lo = int(h[0:2]) * 60 + int(h[3:5])
            hi = int(h[6:8]) * 60 + int(h[9:11])
            mi = at.hour * 60 + at.minute
            if lo < hi and not lo <= mi < hi:
                return False
            if lo > hi and hi <= mi < lo:
                return False
        return True

    def on_holiday(self, at):
        return at.date().isoformat() in self.holidays

    def price(self, tier, list_price):
        """A tier's discount on a list price, half up to the fen."""
        d = self.discounts.get(tier, (100, 100))[0]
        return (list_price * d + 50) // 100

    def gift_points(self, tier, points):
        """A tier's gift discount on a gift's points, up to a point."""
        d = self.discounts.get(tier, (100, 100))[1]
        return (points * d + 99) // 100

    def multiplier(self, sku, category, no_points, at):
        """The line's multiplier, an exact Fraction, and whether any
        stacked product has more than two decimals."""
        if no_points:
            return Fraction(0)
        found = []
        for m in self.multipliers:
            if "skus" in m and sku not in m["skus"]:
                continue
            if "categories" in m and category not in m["categories"]:
                continue
            if not self.when(m, at):
                continue
            found.append(Fraction(dec(m["factor"]), 100))
        if not found:
            return Fraction(1)
        if self.stacking == "max":
            return max(found)
        p = Fraction(1)
        for f in found:
            p *= f
        return p

    def offset_value(self, pts):
        return pts // self.off_points * self.off_value

    def offset_refusal(self, pts, gross):
        """Why pts may not pay an order of gross, or None."""
        if pts % self.off_points:
            return "not a multiple"
        if pts < self.off_min_points:
            return "below min_points"
        if gross < self.off_min_order:
            return "order below min_order"
        v = self.offset_value(pts)
        if v > self.off_max_value:
            return "above max_value"
        if v > gross:
            return "above the order"
        return None


def earn(rules, lines, at, tier, offset):
    """DESIGN 4: floor(sum a*m * P/G * t * points/per_amount), once; and
    each line's own share rounded down.  lines: (amount, sku, category,
    no_points)."""
    gross = sum(a for a, _, _, _ in lines)
    if gross <= 0:
        return 0, [0] * len(lines)
    paid = gross - offset
    k = Fraction(paid * tier * rules.earn_points,
                 gross * 100 * rules.per_amount)
    total = Fraction(0)
    per = []
    for a, sku, cat, np_ in lines:
        x = a * rules.multiplier(sku, cat, np_, at) * k
        total += x
        per.append(floor_frac(x))
    return floor_frac(total), per


def doc_marketing(doc):
    """A document with issue 14's rules: holidays, thresholds, a tier's
    discount or gift_discount, a multiplier's hours or holiday."""
    return (any(k in doc for k in ("holidays", "thresholds")) or
            any(k in t for t in doc.get("tiers", [])
                for k in ("discount", "gift_discount")) or
            any("hours" in m or "holiday" in m.get("days", [])
                for m in doc.get("multipliers", [])))


def doc_inexact(doc):
    """A multiply document whose stacked factors leave hundredths."""
    if doc.get("stacking") != "multiply":
        return False
    fs = [Fraction(dec(m["factor"]), 100) for m in doc.get("multipliers",
                                                         [])]
    for mask in range(1, 1 << len(fs)):
        p = Fraction(1)
        for i, f in enumerate(fs):
            if mask >> i & 1:
                p *= f
        if (p * 100).denominator != 1:
            return True
    return False


# ---------------------------------------------------------------------------
# the model of the book

class Lot:
    def __init__(self, lid, entry, amount, remain, expires, avail):
        self.id = lid
        self.entry = entry
        self.amount = amount
        self.remain = remain
        self.expires = expires      # last valid day, a date
        self.avail = avail          # first day it may be spent, a date
        self.expired = 0            # points expired from it, ever


class Entry:
    def __init__(self, member, at, kind, delta, ref, rule):
        self.member = member
        self.at = at
        self.kind = kind
        self.delta = delta
        self.ref = ref
        self.rule = rule
        self.lot = None
        self.allocs = []            # spendings: [lot, points, given back]
        self.given = 0


class Member:
    def __init__(self, code, phone, name, email, birthday, referrer, joined):
        self.code = code
        self.phone = phone
        self.name = name
        self.email = email
        self.birthday = birthday
        self.referrer = referrer
        self.joined = joined
        self.status = "active"
        self.tier = "normal"
        self.balance = 0
        self.debt = 0
        self.lots = []
        self.entries = []
        self.bought = False
        self.keys = set()           # bonuses booked once
        self.forgotten = False


class Model:
    def __init__(self, features):
        self.features = features
        self.now = START
        self.rules = [Rules({})]
        self.members = {}
        self.phones = {}
        self.products = {}
        self.sales = {}
        self.redemptions = {}
        self.expire_runs = set()
        self.lot_seq = 0
        self.entries = []
        self.events = {}            # what the run went through, counted

    def event(self, name):
        self.events[name] = self.events.get(name, 0) + 1

    @property
    def r(self):
        return self.rules[-1]

    @property
    def today(self):
        return self.now.date()

    # -- the ledger ----------------------------------------------------

    def _entry(self, m, kind, delta, ref, rule):
        e = Entry(m, ts(self.now), kind, delta, ref, rule)
        m.entries.append(e)
        self.entries.append(e)
        m.balance += delta
        return e

    def gain(self, m, kind, pts, ref=None, rule=None, pending=False):
        e = self._entry(m, kind, pts, ref, rule)
        pay = min(m.debt, pts)
        m.debt -= pay
        months = self.r.expiry_months
        exp = (datetime.date(9999, 12, 31) if months == 0
               else add_months(self.today, months))
        avail = self.today
        if pending:
            avail = self.today + datetime.timedelta(days=self.r.pending_days)
        if avail > self.today:
            self.event("pending lot")
        self.lot_seq += 1
        e.lot = Lot(self.lot_seq, e, pts, pts - pay, exp, avail)
        m.lots.append(e.lot)
        return e

    def lapsed(self, m, day=None):
        day = day or self.today
        return [l for l in m.lots if l.remain > 0 and l.expires < day]

    def shown(self, m, day=None):
        """The balance the tools print: lapsed lots left out (they stay in
        the book until expire books them)."""
        return m.balance - sum(l.remain for l in self.lapsed(m, day))

    def spendable(self, m):
        if m.debt > 0:
            return 0
        return sum(l.remain for l in m.lots if l.remain > 0 and
                   l.expires >= self.today and l.avail <= self.today)

    def pending_points(self, m):
        return sum(l.remain for l in m.lots if l.remain > 0 and
                   l.expires >= self.today and l.avail > self.today)

    def expire_member(self, m, day):
        lots = sorted(self.lapsed(m, day), key=lambda l: (l.expires, l.id))
        pts = sum(l.remain for l in lots)
        if pts == 0:
            return 0
        e = self._entry(m, "expire", -pts, None, None)
        self.event("expiry")
        for l in lots:
            e.allocs.append([l, l.remain, 0])
            l.expired += l.remain
            l.remain = 0
        return pts

    @staticmethod
    def _take(lots, e, need):
        for l in lots:
            if need == 0:
                break
            if l.remain <= 0:
                continue
            p = min(l.remain, need)
            l.remain -= p
            e.allocs.append([l, p, 0])
            need -= p
        return need

    def spend(self, m, kind, pts, ref=None, rule=None):
        """A spending (redeem, offset, negative adjust): lapsed lots go
        first, then the valid, spendable ones that expire first."""
        if m.status != "active" and kind != "adjust":
            raise Refused("member %s is %s" % (m.code, m.status))
        if m.debt > 0:
            raise Refused("member in debt")
        if pts > self.spendable(m):
            if pts <= self.spendable(m) + self.pending_points(m):
                self.event("spending refused, points pending")
            raise Refused("%d spendable, not %d" % (self.spendable(m), pts))
        if self.expire_member(m, self.today):
            self.event("lapsed lots expired by a spending")
        e = self._entry(m, kind, -pts, ref, rule)
        lots = sorted((l for l in m.lots if l.remain > 0 and
                       l.avail <= self.today), key=lambda l: (l.expires, l.id))
        left = self._take(lots, e, pts)
        assert left == 0, "model: lots short of the spendable"
        return e

    def reverse(self, m, pts, ref, rule="return"):
        """Takes back pts: the receipt's own lots first, then the lots
        that expire first; what is missing is debt."""
        e = self._entry(m, "reverse", -pts, ref, rule)
        key = lambda l: (l.expires, l.id)
        own = sorted((l for l in m.lots if l.entry.ref == ref and
                      l.entry.kind in ("earn", "bonus", "restore")), key=key)
        need = self._take(own, e, pts)
        need = self._take(sorted(m.lots, key=key), e, need)
        if need:
            self.event("debt")
        m.debt += need
        return e

    @staticmethod
    def give_back(spent, left, net=True):
        """Where left points given back go, {lot id: points}: the lots the
        spending took from, the last first, each up to its room and to
        what the spending took of it, less what was given back to it
        before (net, DESIGN's "the very lots they came from") or not (the
        tools today: see the feature restore-past-given-back)."""
        out = {}
        room = {}
        for a in reversed(spent.allocs):
            l = a[0]
            r = room.setdefault(l.id, l.amount - l.remain)
            p = min(a[1] - (a[2] if net else 0), left, r)
            if p > 0:
                out[l.id] = out.get(l.id, 0) + p
                room[l.id] -= p
                left -= p
        return out

    def restore_differs(self, m, spent, pts):
        """Whether the two readings of give_back part here."""
        give = min(pts, -spent.delta - spent.given)
        left = give - min(m.debt, give)
        if give <= 0 or left <= 0:
            return False
        return self.give_back(spent, left) != self.give_back(spent, left,
                                                             False)

    def restore(self, m, spent, pts, ref, rule):
        """Gives back up to pts of what the entry spent: the debt first,
        then the lots they came from, the last taken first."""
        give = min(pts, -spent.delta - spent.given)
        if give <= 0:
            return 0
        spent.given += give
        e = self._entry(m, "restore", give, ref, rule)
        pay = min(m.debt, give)
        if pay:
            self.event("restore paying a debt")
        m.debt -= pay
        left = give - pay
        for a in reversed(spent.allocs):
            if left == 0:
                break
            l = a[0]
            p = min(a[1] - a[2], left, l.amount - l.remain)
            if p <= 0:
                continue
            l.remain += p
            a[2] += p
            left -= p
        if spent.given > give:
            self.event("restore of a spending given back before")
        if left > 0:
            months = self.r.expiry_months
            exp = (datetime.date(9999, 12, 31) if months == 0
                   else add_months(self.today, months))
            self.lot_seq += 1
            e.lot = Lot(self.lot_seq, e, left, left, exp, self.today)
            m.lots.append(e.lot)
        return give

    def tier_points(self, m):
        day = self.today - datetime.timedelta(days=365)
        lo = day.isoformat() + ts(self.now)[10:]
        hi = ts(self.now)
        return sum(e.delta for e in m.entries if lo < e.at <= hi and
                   e.kind in ("earn", "bonus", "reverse"))

    # -- members and products -----------------------------------------

    def member_add(self, code, phone, name, email, birthday, referrer):
        if code in self.members or phone in self.phones:
            raise Refused("duplicate")
        if referrer is not None and referrer not in self.members:
            raise Refused("no referrer")
        m = Member(code, phone, name, email, birthday, referrer, self.today)
        self.members[code] = m
        self.phones[phone] = code
        self.profile_bonus(m)
        return m

    def profile_bonus(self, m):
        if (m.status == "active" and m.name and m.phone and m.email and
                m.birthday and "profile" not in m.keys and
                self.r.bonuses["profile"] > 0):
            m.keys.add("profile")
            self.gain(m, "bonus", self.r.bonuses["profile"], None, "profile")

    def member_update(self, code, fields):
        m = self.members[code]
        for k, v in fields.items():
            if k == "status":
                m.status = v
            else:
                setattr(m, k, v)
        self.profile_bonus(m)
        return m

    def member_forget(self, code):
        m = self.members[code]
        self.phones.pop(m.phone, None)
        m.phone = m.name = m.email = m.birthday = None
        m.forgotten = True
        return m

    # -- sales ---------------------------------------------------------

    def sale(self, receipt, code, items, used):
        """items: (sku, qty, price or None).  Returns the sale record."""
        if receipt in self.sales:
            raise Refused("receipt exists")
        r = self.r
        m = self.members.get(code) if code else None
        earns = m is not None and m.status == "active"
        first = earns and not m.bought
        if used > 0 and not earns:
            raise Refused("points need an active member")
        lines = []
        for sku, qty, price in items:
            p = self.products[sku]
            pr = p["price"] if price is None else price
            lp = None
            # a tier's discount: on list prices, to active members
            if price is None and earns and r.price(m.tier, pr) != pr:
                lp, pr = pr, r.price(m.tier, pr)
            lines.append({"sku": sku, "qty": qty, "price": pr,
                          "list_price": lp,
                          "amount": qty * pr, "category": p["category"],
                          "no_points": p["no_points"], "returned": 0})
        gross = sum(l["amount"] for l in lines)
        discount = sum((l["list_price"] - l["price"]) * l["qty"]
                       for l in lines if l["list_price"] is not None)
        offset = 0
        if used > 0:
            why = r.offset_refusal(used, gross)
            if why:
                raise Refused(why)
            if m.debt > 0:
                raise Refused("debt")
            if used > self.spendable(m):
                if used <= self.spendable(m) + self.pending_points(m):
                    self.event("spending refused, points pending")
                raise Refused("short of points")
            offset = r.offset_value(used)
        tier = r.tier_factor(m.tier) if earns else 100
        earned, per = earn(r, [(l["amount"], l["sku"], l["category"],
                                l["no_points"]) for l in lines],
                           self.now, tier, offset)
        if not earns:
            earned, per = 0, [0] * len(lines)
        else:
            ms = [r.multiplier(l["sku"], l["category"], l["no_points"],
                               self.now) for l in lines]
            if any(x not in (0, 1) for x in ms):
                self.event("sale with a multiplier")
            if any((x * 100).denominator != 1 for x in ms):
                self.event("sale with an inexact stacked multiplier")
            if r.on_holiday(self.now) and any(
                    "holiday" in x.get("days", []) and
                    DAYS[self.now.weekday()] not in x["days"] and
                    r.when(x, self.now) for x in r.multipliers):
                self.event("sale with a multiplier by a holiday")
            if discount:
                self.event("sale with a tier's discount")
            if r.on_holiday(self.now):
                self.event("sale on a holiday")
        s = {"receipt": receipt, "at": self.now, "member": code,
             "lines": lines, "gross": gross, "offset": offset,
             "paid": gross - offset, "used": used, "earned": earned,
             "per": per, "rules": r, "tier": tier, "bonus": 0,
             "restored": 0, "ref_reversed": 0,
             "offset_entry": None, "referrer": None,
             "referrer_bonus": 0, "reversed": 0, "whole": False,
             "discount": discount, "thresholds": {}, "thr_reversed": {}}
        if used > 0:
            s["offset_entry"] = self.spend(m, "offset", used, receipt)
        if earned > 0:
            self.gain(m, "earn", earned, receipt, None, pending=True)
        own = 0
        if earns:
            b = r.bonuses
            if first and b["signup"] > 0 and "signup" not in m.keys:
                m.keys.add("signup")
                self.gain(m, "bonus", b["signup"], receipt, "signup", True)
                own += b["signup"]
            if m.birthday and m.birthday[5:7] == "%02d" % self.now.month:
                key = "birthday:%d" % self.now.year
                if b["birthday"] > 0 and key not in m.keys:
                    m.keys.add(key)
                    self.gain(m, "bonus", b["birthday"], receipt,
                              "birthday", True)
                    own += b["birthday"]
                    self.event("birthday bonus")
            if first and m.referrer and b["referral"] > 0:
                if "referee" not in m.keys:
                    m.keys.add("referee")
                    self.gain(m, "bonus", b["referral"], receipt,
                              "referral", True)
                    own += b["referral"]
                ref = self.members[m.referrer]
                if ref.status == "active" and "referrer" not in m.keys:
                    m.keys.add("referrer")
                    self.gain(ref, "bonus", b["referral"], receipt,
                              "referral", True)
                    s["referrer"] = ref.code
                    s["referrer_bonus"] = b["referral"]
                    self.event("referral bonus")
            # spend thresholds: a bonus each that the paid total reaches
            # when its conditions hold, named by the threshold
            for t in r.thresholds:
                if s["paid"] < t["min_paid"] or not r.when(t, self.now):
                    if s["paid"] >= t["min_paid"]:
                        self.event("threshold reached, conditions not")
                    continue
                self.gain(m, "bonus", t["points"], receipt, t["name"], True)
                own += t["points"]
                s["thresholds"][t["name"]] = t["points"]
                self.event("threshold bonus")
                if "holiday" in t.get("days", []) and \
                        DAYS[self.now.weekday()] not in t["days"]:
                    self.event("threshold bonus on a holiday")
                if any(k in t for k in ("days", "from", "to", "hours")):
                    self.event("threshold bonus with conditions")
        s["bonus"] = own
        if earns:
            m.bought = True     # the first purchase is the first while active
        if (earns and earned + own > 0 and
                r.tier_rank(m.tier) < len(r.tiers) - 1):
            t = r.tier_for(self.tier_points(m))
            if r.tier_rank(t) > r.tier_rank(m.tier):
                m.tier = t
                self.event("tier raised by a sale")
        self.sales[receipt] = s
        return s

    def expired_from(self, m, receipt):
        return sum(l.expired for l in m.lots if l.entry.ref == receipt and
                   l.entry.kind in ("earn", "bonus"))

    def receipt_left(self, m, s):
        """What the receipt's lots of m may still give to a reversal: what
        it gained less what was reversed and what expired of them."""
        return (s["earned"] + s["bonus"] - s["reversed"] -
                sum(s["thr_reversed"].values()) -
                self.expired_from(m, s["receipt"]))

    def kept_earned(self, s, used_left, paid=False):
        """earned(kept lines), and with paid their paid total: the kept
        gross less the points still used on them at the sale's rate."""
        r = s["rules"]
        lines = [((l["qty"] - l["returned"]) * l["price"], l["sku"],
                  l["category"], l["no_points"]) for l in s["lines"]]
        gross = sum(a for a, _, _, _ in lines)
        off = min(used_left * r.off_value // r.off_points, gross)
        e = earn(r, lines, s["at"], s["tier"], off)[0]
        return (e, gross - off) if paid else e

    def return_take(self, s, items):
        """What a return of items takes of sale s, line by line, without
        booking it: (returned gross, whole, [qty per line])."""
        take = [0] * len(s["lines"])
        if not items:
            take = [l["qty"] - l["returned"] for l in s["lines"]]
            if sum(take) == 0:
                raise Refused("returned already")
        for sku, qty in items:
            ls = [i for i, l in enumerate(s["lines"]) if l["sku"] == sku]
            if not ls:
                raise Refused("sku not on the receipt")
            left = sum(s["lines"][i]["qty"] - s["lines"][i]["returned"] -
                       take[i] for i in ls)
            if qty > left:
                raise Refused("more than left")
            for i in ls:
                l = s["lines"][i]
                t = min(l["qty"] - l["returned"] - take[i], qty)
                take[i] += t
                qty -= t
        rgross = sum(t * l["price"] for t, l in zip(take, s["lines"]))
        whole = all(l["qty"] - l["returned"] - t == 0
                    for t, l in zip(take, s["lines"]))
        return rgross, whole, take

    def sale_return(self, receipt, items):
        """items: [(sku, qty)], empty for all that is left."""
        s = self.sales.get(receipt)
        if s is None:
            raise Refused("no receipt")
        rgross, whole, take = self.return_take(s, items)
        out = {"receipt": receipt, "returned_gross": rgross,
               "points_reversed": 0, "points_restored": 0, "balance": None}
        m = self.members.get(s["member"]) if s["member"] else None
        for t, l in zip(take, s["lines"]):
            l["returned"] += t
            p = self.products[l["sku"]]
            p["on_hand"] += t
        if m is None:
            s["whole"] = whole
            return out
        used_left = s["used"] - s["restored"]
        if whole:
            restored = used_left
        else:
            restored = min(s["used"] * rgross // s["gross"], used_left)
        # earned_before: what the sale earned less what returns reversed
        # of it (a threshold's reversal is not of the earning)
        before = max(0, s["earned"] - s["reversed"])
        thr = 0
        if whole:
            # what is left of the earning and of the member's bonuses
            want = before + s["bonus"] - sum(s["thr_reversed"].values())
            # the referrer's bonus, capped by what the referrer gained of
            # the receipt less what was reversed and what expired
            if s["referrer"] and s["referrer_bonus"] > 0:
                ref = self.members[s["referrer"]]
                cap = (s["referrer_bonus"] - s["ref_reversed"] -
                       self.expired_from(ref, receipt))
                booked = min(s["referrer_bonus"], cap)
                if booked < s["referrer_bonus"]:
                    self.event("referrer's reversal less expired points")
                if booked > 0:
                    self.reverse(ref, booked, receipt)
                    s["ref_reversed"] += booked
        else:
            kept, paid = self.kept_earned(s, used_left - restored, True)
            want = max(0, before - kept)
            # a threshold the kept lines no longer reach: what is left of
            # its bonus, capped as any reversal, before the rest
            for t in s["rules"].thresholds:
                name = t["name"]
                left = (s["thresholds"].get(name, 0) -
                        s["thr_reversed"].get(name, 0))
                if left <= 0 or paid >= t["min_paid"]:
                    continue
                p = max(0, min(left, self.receipt_left(m, s)))
                self.event("threshold reversed by a partial return")
                if p < left:
                    self.event("threshold reversal less expired points")
                if p > 0:
                    self.reverse(m, p, receipt, name)
                    s["thr_reversed"][name] = \
                        s["thr_reversed"].get(name, 0) + p
                    thr += p
        # a reversal takes at most what the receipt gained less what was
        # reversed and what expired of its lots: nothing charged twice
        cap = self.receipt_left(m, s)
        booked = max(0, min(want, cap))
        if whole and s["thresholds"] and booked > 0:
            self.event("threshold reversed by a whole return")
        if restored > 0:
            self.restore(m, s["offset_entry"], restored, receipt, "return")
            s["restored"] += restored
        if booked > 0:
            self.reverse(m, booked, receipt)
        s["reversed"] += booked
        s["whole"] = whole
        self.event("whole return" if whole else "partial return")
        if want > booked:
            self.event("reversal less expired points")
        out["points_reversed"] = booked + thr
        out["points_restored"] = restored
        out["balance"] = self.shown(m)
        return out

    # -- gifts, adjustments, awards, expiry, tiers ----------------------

    def redeem(self, rid, code, sku, qty):
        m = self.members[code]
        p = self.products[sku]
        if not p["gift_points"]:
            raise Refused("not a gift")
        if m.status != "active":
            raise Refused("not active")
        if m.debt > 0:
            raise Refused("debt")
        if p["on_hand"] < qty:
            raise Refused("out of stock")
        # a tier's gift discount, per unit, up to a whole point
        unit = self.r.gift_points(m.tier, p["gift_points"])
        pts = qty * unit
        e = self.spend(m, "redeem", pts, rid)
        p["on_hand"] -= qty
        if unit != p["gift_points"]:
            self.event("gift at a tier's discount")
        self.redemptions[rid] = {"member": code, "sku": sku, "qty": qty,
                                 "points": pts, "entry": e,
                                 "list_points": qty * p["gift_points"],
                                 "cancelled": False}
        return {"redemption": rid, "member": code, "sku": sku, "qty": qty,
                "points": pts, "list_points": qty * p["gift_points"],
                "balance": self.shown(m)}

    def cancel(self, rid):
        d = self.redemptions.get(rid)
        if d is None or d["cancelled"]:
            raise Refused("no such redemption or cancelled")
        m = self.members[d["member"]]
        self.restore(m, d["entry"], d["points"], rid, None)
        self.products[d["sku"]]["on_hand"] += d["qty"]
        d["cancelled"] = True
        return {"redemption": rid, "member": d["member"], "sku": d["sku"],
                "qty": d["qty"], "points": d["points"],
                "balance": self.shown(m)}

    def adjust(self, code, n):
        m = self.members[code]
        if n > 0:
            self.gain(m, "adjust", n, None, None)
        else:
            self.spend(m, "adjust", -n)
        return {"member": code, "kind": "adjust", "delta": n,
                "balance": self.shown(m)}

    def award(self, code, kind, pts):
        m = self.members[code]
        act = self.r.activities.get(kind)
        if act is None:
            raise Refused("unknown activity")
        if m.status != "active":
            raise Refused("not active")
        cap = act.get("daily_cap", 0)
        day = self.today.isoformat()
        done = sum(1 for e in m.entries if e.kind == "award" and
                   e.rule == kind and e.at[:10] == day)
        if cap and done >= cap:
            raise Refused("daily cap")
        n = pts if pts is not None else act["points"]
        self.gain(m, "award", n, None, kind)
        return {"member": code, "kind": "award", "delta": n, "rule": kind,
                "balance": self.shown(m)}

    def expire(self, day):
        if day in self.expire_runs:
            return []
        self.expire_runs.add(day)
        rows = []
        for m in self.members.values():
            pts = self.expire_member(m, day)
            if pts:
                rows.append({"member": m.code, "points": pts,
                             "expired_on": day.isoformat()})
        return rows

    def recalc(self):
        for m in self.members.values():
            t = self.r.tier_for(self.tier_points(m))
            if self.r.tier_rank(t) < self.r.tier_rank(m.tier):
                self.event("tier lowered by recalc")
            m.tier = t

    def redeem_quote(self, code, amount):
        m = self.members[code]
        r = self.r
        if m.status != "active" or m.debt > 0 or amount < r.off_min_order:
            return 0
        units = self.spendable(m) // r.off_points
        units = min(units, r.off_max_value // r.off_value,
                    amount // r.off_value)
        pts = units * r.off_points
        return pts if pts >= r.off_min_points and pts > 0 else 0

    def balance_row(self, m):
        r = self.r
        horizon = self.today + datetime.timedelta(days=r.remind_days)
        soon = [l for l in m.lots if l.remain > 0 and
                self.today <= l.expires <= horizon]
        return {"member": m.code, "balance": self.shown(m),
                "pending": self.pending_points(m),
                "expiring": sum(l.remain for l in soon),
                "expiring_on": (min(l.expires for l in soon).isoformat()
                                if soon else None)}


# ---------------------------------------------------------------------------
# driving the tools

def pg_uri(name):
    """A database of the PostgreSQL cluster of make check-pg (tests/pg.sh
    sets $JIFEN_TEST_PG to its socket's directory)."""
    return "postgresql:///%s?host=%s&user=%s" % (
        name, os.environ["JIFEN_TEST_PG"],
        os.environ.get("JIFEN_TEST_PG_USER", ""))


def pg_admin(sql):
    subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d",
                    pg_uri("postgres"), "-c", sql], check=True,
                   stdout=subprocess.DEVNULL)


class Book:
    """The built tools on one database, with the sim's clock: a file in
    workdir, or with $JIFEN_TEST_PG a new PostgreSQL database, empty as
    a new book's file is, dropped by drop()."""

    made = 0                        # PostgreSQL databases made, for names

    def __init__(self, bindir, workdir):
        self.bindir = bindir
        self.dir = workdir
        self.db = os.path.join(workdir, "jifen.db")
        self.pg = None
        if os.environ.get("JIFEN_TEST_PG"):
            Book.made += 1
            self.pg = "sim_%d_%d" % (os.getpid(), Book.made)
            pg_admin("CREATE DATABASE %s" % self.pg)
            self.db = pg_uri(self.pg)
        self.now = START
        self.log = []               # the commands, for a reproducer
        self.calls = 0
        self.phase = "op"           # or "check": a query of the checks

    def drop(self):
        if self.pg:
            pg_admin("DROP DATABASE IF EXISTS %s WITH (FORCE)" % self.pg)
            self.pg = None

    def env(self):
        e = dict(os.environ)
        for k in ("JIFEN_OPERATOR", "JIFEN_STORE", "JIFEN_BUSY_MS",
                  "XDG_DATA_HOME"):
            e.pop(k, None)
        e.update(JIFEN_DB=self.db, JIFEN_NOW=ts(self.now), TZ="UTC",
                 LC_ALL="C")
        return e

    def run(self, tool, *args, stdin=None, shell_stdin=None):
        argv = [os.path.join(self.bindir, tool)] + [str(a) for a in args]
        self.calls += 1
        p = subprocess.run(argv, input=stdin, capture_output=True,
                           text=True, env=self.env(), cwd=self.dir)
        cmd = "JIFEN_NOW=%s %s" % (shlex.quote(ts(self.now)), " ".join(
            shlex.quote(a) for a in [tool] + argv[1:]))
        if shell_stdin:
            cmd = shell_stdin + " | " + cmd
        self.log.append((self.phase, cmd, p.returncode))
        return p.returncode, p.stdout, p.stderr

    def json(self, tool, *args, **kw):
        rc, out, err = self.run(tool, *args, "-o", "json", **kw)
        if rc != 0:
            return rc, err.strip()
        try:
            return 0, json.loads(out) if out.strip() else None
        except ValueError:
            raise SimFailure("output.json", "%s %s: not JSON: %r" %
                             (tool, " ".join(map(str, args)), out[:200]))

    def sha(self):
        h = hashlib.sha256()
        if self.pg:
            # the rows, as pg_dump writes them; not the sequences, which
            # a rolled-back insert moves on (ids are never reused), nor
            # the random key of a newer pg_dump's \restrict lines
            p = subprocess.run(["pg_dump", "--data-only", self.db],
                               capture_output=True, check=True)
            for line in p.stdout.splitlines(True):
                if not line.startswith((b"SELECT pg_catalog.setval(",
                                        b"\\restrict ",
                                        b"\\unrestrict ")):
                    h.update(line)
            return h.hexdigest()
        for suffix in ("", "-wal"):
            try:
                with open(self.db + suffix, "rb") as f:
                    h.update(f.read())
            except FileNotFoundError:
                pass
        return h.hexdigest()


class Sim:
    def __init__(self, bindir, seed, features, full_every=20,
                 replay=False, quiet=True):
        self.seed = seed
        self.rng = random.Random(seed)
        self.features = set(features)
        self.model = Model(self.features)
        self.tmp = tempfile.mkdtemp(prefix="jifen-sim.")
        self.book = Book(bindir, self.tmp)
        self.full_every = full_every
        self.replay = replay
        self.ops = []
        self.checks = {}
        self.skipped = {}
        self.redeem_codes = {}      # sim's id -> the tool's R0000001
        self.touched = set()
        self.notes = 0               # credit notes imported
        self.n = 0

    def close(self):
        self.book.drop()
        shutil.rmtree(self.tmp, ignore_errors=True)

    # -- checks ----------------------------------------------------------

    def check(self, name, ok, detail):
        self.checks[name] = self.checks.get(name, 0) + 1
        if not ok:
            raise SimFailure(name, detail)

    def eq(self, name, want, got, what=""):
        if want == got:
            self.check(name, True, "")
            return

        def norm(x):
            if isinstance(x, dict):
                return {str(k): norm(v) for k, v in x.items()}
            if isinstance(x, (list, tuple)):
                return [norm(v) for v in x]
            return x
        self.check(name, False, "%s\n  model: %s\n  tools: %s" % (
            what, json.dumps(norm(want), sort_keys=True, default=str),
            json.dumps(norm(got), sort_keys=True, default=str)))

    def expect(self, name, refused, rc, out, what):
        """The tool refused (exit 1) exactly when the model did."""
        if rc not in (0, 1):
            raise SimFailure(name + ".exit", "%s: exit %d: %s" %
                             (what, rc, out))
        self.check(name + ".refusal", (rc == 1) == (refused is not None),
                   "%s: model %s, tool %s" % (
                       what, "refuses (%s)" % refused if refused else
                       "accepts", "refuses: %s" % out if rc else "accepts"))

    def gated(self, feature):
        if feature in self.features:
            return False
        self.skipped[feature] = self.skipped.get(feature, 0) + 1
        return True

    def has_lapsed(self, m):
        return bool(self.model.lapsed(m))

    def check_member(self, code):
        m = self.model.members[code]
        rc, got = self.book.json("points", "balance", code)
        self.check("balance.exit", rc == 0, "points balance %s: %s" %
                   (code, got))
        want = self.model.balance_row(m)
        if self.has_lapsed(m):
            self.model.event("balance checked, lapsed lots left out")
        if self.has_lapsed(m) and "lapsed-quote" not in self.features:
            for k in ("expiring", "expiring_on"):
                want.pop(k)
                got.pop(k, None)
        got = {k: got.get(k) for k in want}
        self.eq("balance", want, got, "points balance %s" % code)
        rc, hist = self.book.json("points", "history", code)
        self.check("history.exit", rc == 0, "points history %s" % code)
        gains = ("earn", "bonus", "award", "adjust")

        def row(at, kind, delta, ref, rule, exp):
            if kind not in ("bonus", "award", "reverse"):
                rule = None
            if kind not in gains or delta < 0:
                exp = None
            return (at, kind, delta, ref or "", rule or "", exp or "")
        want = sorted(row(e.at, e.kind, e.delta, self.tool_ref(e.ref),
                          e.rule, e.lot.expires.isoformat() if e.lot
                          else None) for e in m.entries)
        got = sorted(row(h["at"], h["kind"], h["delta"], h["ref"],
                         h["rule"], h["expires_on"]) for h in hist or [])
        if want != got:
            extra = [x for x in got if x not in want]
            missing = [x for x in want if x not in got]
            raise SimFailure("history", "points history %s: model has, "
                             "tools not: %s; tools have, model not: %s" %
                             (code, missing, extra))
        self.checks["history"] = self.checks.get("history", 0) + 1

    def tool_ref(self, ref):
        if ref and ref.startswith("G") and ref in self.redeem_codes:
            return self.redeem_codes[ref]
        return ref

    def check_all(self):
        mo = self.model
        for code in mo.members:
            self.check_member(code)
        rc, rows = self.book.json("member", "list")
        self.check("member_list.exit", rc == 0, "member list: %s" % rows)
        got = {r["code"]: (r["tier"], r["status"], r["balance"])
               for r in rows or []}
        want = {c: (m.tier, m.status, mo.shown(m))
                for c, m in mo.members.items()}
        self.eq("tiers_status", want, got, "member list: tier, status, "
                "balance")
        self.check_reports()
        self.check_audit()

    def check_audit(self):
        rc, out, err = self.book.run("report", "audit")
        self.check("audit", rc == 0, "report audit exit %d:\n%s%s" %
                   (rc, out, err))

    def check_reports(self):
        mo = self.model
        sales = list(mo.sales.values())
        tot = {"gross": sum(s["gross"] for s in sales),
               "offset": sum(s["offset"] for s in sales),
               "paid": sum(s["paid"] for s in sales),
               "qty": sum(l["qty"] for s in sales for l in s["lines"])}
        by = {}
        for g in ("day", "product", "category", "member"):
            rc, rows = self.book.json("report", "sales", "--by", g)
            self.check("report_sales.exit", rc == 0, "report sales: %s" %
                       rows)
            rows = rows or []
            by[g] = {r["key"]: r for r in rows}
            sums = {"gross": sum(dec(r["gross"]) for r in rows),
                    "offset": sum(dec(r["offset"]) for r in rows),
                    "paid": sum(dec(r["paid"]) for r in rows),
                    "qty": sum(r["qty"] for r in rows)}
            if g in ("product", "category") and \
                    "report-lines" not in self.features:
                sums.pop("offset")
                sums.pop("paid")
                want = {k: tot[k] for k in sums}
            else:
                want = tot
            self.eq("report_sales_total", want, sums,
                    "report sales --by %s: the totals" % g)
        # day and member, key by key
        for g, key in (("day", lambda s: s["at"].date().isoformat()),
                       ("member", lambda s: s["member"])):
            want = {}
            for s in sales:
                w = want.setdefault(key(s), {"receipts": 0, "gross": 0,
                                             "offset": 0, "paid": 0})
                w["receipts"] += 1
                for k in ("gross", "offset", "paid"):
                    w[k] += s[k]
            got = {k: {"receipts": r["receipts"], "gross": dec(r["gross"]),
                       "offset": dec(r["offset"]), "paid": dec(r["paid"])}
                   for k, r in by[g].items()}
            self.eq("report_sales_by_" + g, want, got,
                    "report sales --by %s" % g)
        self.check_daily(mo.today)

    def check_daily(self, day):
        mo = self.model
        d = day.isoformat()
        sales = [s for s in mo.sales.values() if s["at"].date() == day]
        ents = [e for e in mo.entries if e.at[:10] == d]

        def pts(*kinds, rule=None):
            return sum(abs(e.delta) for e in ents if e.kind in kinds)
        want = {"receipts": len(sales),
                "gross": sum(s["gross"] for s in sales),
                "offset": sum(s["offset"] for s in sales),
                "paid": sum(s["paid"] for s in sales),
                "points_earned": pts("earn"),
                "points_bonus": pts("bonus"),
                "points_redeemed": pts("redeem", "offset"),
                "points_expired": pts("expire"),
                "points_awarded": pts("award"),
                "points_reversed": pts("reverse"),
                "points_restored": pts("restore"),
                "points_adjusted": sum(e.delta for e in ents
                                       if e.kind == "adjust"),
                "new_members": sum(1 for m in mo.members.values()
                                   if m.joined == day)}
        rc, got = self.book.json("report", "daily", "--date", d)
        self.check("report_daily.exit", rc == 0, "report daily: %s" % got)
        s = got["summary"]
        got = {k: (dec(s[k]) if k in ("gross", "offset", "paid") else s[k])
               for k in want}
        self.eq("report_daily", want, got, "report daily --date %s" % d)

    # -- running operations -------------------------------------------

    def dry_then_real(self, tool, args, dry):
        """Runs a write; with dry, first with -n, which must print the
        same and leave the file as it was."""
        if dry:
            before = self.book.sha()
            rc1, out1 = self.book.json(tool, *args, "-n")
            after = self.book.sha()
            self.check("dry_run.unchanged", before == after,
                       "%s %s -n changed the database" %
                       (tool, " ".join(map(str, args))))
        rc, out = self.book.json(tool, *args)
        if dry:
            self.eq("dry_run.same", (rc, out if rc == 0 else None),
                    (rc1, out1 if rc1 == 0 else None),
                    "%s %s: -n against the real run" %
                    (tool, " ".join(map(str, args))))
        return rc, out

    def apply(self, op):
        """Runs one operation through the tools and the model, and checks
        that they agree.  Returns False when the op is skipped."""
        mo = self.model
        k = op["op"]
        bk = self.book
        if k == "clock":
            mo.now += datetime.timedelta(minutes=op.get("minutes", 0),
                                         days=op.get("days", 0))
            if op.get("months"):
                mo.now = datetime.datetime.combine(
                    add_months(mo.now.date(), op["months"]), mo.now.time())
            bk.now = mo.now
            return True
        # every operation takes a minute or a few
        mo.now += datetime.timedelta(minutes=op.get("tick", 1))
        bk.now = mo.now
        if k == "product":
            args = ["add", "--sku", op["sku"], "--name", op["sku"].title(),
                    "--price", money(op["price"])]
            if op.get("category"):
                args += ["--category", op["category"]]
            if op.get("no_points"):
                args += ["--no-points"]
            if op.get("gift_points"):
                args += ["--gift-points", op["gift_points"]]
            if op["sku"] in mo.products:
                return False
            rc, out = bk.json("stock", *args)
            self.expect("product", None, rc, out, "stock add")
            mo.products[op["sku"]] = {"price": op["price"],
                                      "category": op.get("category"),
                                      "no_points": bool(op.get("no_points")),
                                      "gift_points": op.get("gift_points"),
                                      "on_hand": 0}
            return True
        if k == "product_update":
            p = mo.products.get(op["sku"])
            if p is None:
                return False
            args = ["update", op["sku"]]
            if "category" in op:
                args += ["--category", op["category"]]
                p["category"] = op["category"]
            if "no_points" in op:
                args += ["--no-points" if op["no_points"] else "--points"]
                p["no_points"] = op["no_points"]
            rc, out = bk.json("stock", *args)
            self.expect("product_update", None, rc, out, "stock update")
            return True
        if k == "receive":
            if op["sku"] not in mo.products:
                return False
            rc, out = bk.json("stock", "receive", "--sku", op["sku"],
                              "--qty", op["qty"], "--cost", "1.00")
            self.expect("receive", None, rc, out, "stock receive")
            mo.products[op["sku"]]["on_hand"] += op["qty"]
            return True
        if k == "member":
            ref = op.get("referrer")
            if ref is not None and ref not in mo.members:
                return False
            if op["code"] in mo.members or op["phone"] in mo.phones:
                return False
            args = ["add", "--code", op["code"], "--phone", op["phone"]]
            for f in ("name", "email", "birthday"):
                if op.get(f):
                    args += ["--" + f, op[f]]
            if ref:
                args += ["--referrer", ref]
            rc, out = self.dry_then_real("member", args, op.get("dry"))
            self.expect("member_add", None, rc, out, "member add")
            m = mo.member_add(op["code"], op["phone"], op.get("name"),
                              op.get("email"), op.get("birthday"), ref)
            self.eq("member_add", {"code": m.code, "balance": mo.shown(m)},
                    {"code": out["code"], "balance": out["balance"]},
                    "member add")
            self.touched.add(m.code)
            return True
        if k in ("update", "status", "forget"):
            m = mo.members.get(op["code"])
            if m is None:
                return False
            if k == "forget":
                rc, out = self.dry_then_real("member", ["forget", m.code],
                                             op.get("dry"))
                self.expect("forget", None, rc, out, "member forget")
                mo.member_forget(m.code)
            else:
                fields = op["fields"]
                if k == "update" and m.forgotten:
                    return False
                args = ["update", m.code]
                for f, v in fields.items():
                    args += ["--" + f, v]
                rc, out = self.dry_then_real("member", args, op.get("dry"))
                self.expect(k, None, rc, out, "member update")
                mo.member_update(m.code, fields)
            self.eq("member_update", (m.status, mo.shown(m)),
                    (out["status"], out["balance"]), "member " + k)
            self.touched.add(m.code)
            return True
        if k == "rules":
            if doc_inexact(op["doc"]) and self.gated("multiply-inexact"):
                return False
            if "pending_days" in op["doc"] and self.gated("pending"):
                return False
            if doc_marketing(op["doc"]) and self.gated("marketing"):
                return False
            text = json.dumps(op["doc"])
            with open(os.path.join(self.tmp, "rules.json"), "w") as f:
                f.write(text + "\n")
            bk.log.append(("file", "cat > rules.json <<'EOF'\n%s\nEOF" %
                           text, 0))
            rc, out, err = bk.run("points", "rules", "load", "rules.json")
            self.expect("rules_load", None, rc, err, "points rules load")
            mo.rules.append(Rules(op["doc"]))
            return True
        if k == "sale":
            return self.op_sale(op)
        if k == "return":
            return self.op_return(op)
        if k == "gift":
            m = mo.members.get(op["code"])
            if m is None or op["sku"] not in mo.products or \
                    op["id"] in mo.redemptions:
                return False
            args = ["gift", m.code, op["sku"], "--qty", op["qty"]]
            try:
                want = mo.redeem(op["id"], m.code, op["sku"], op["qty"])
                refused = None
            except Refused as e:
                want, refused = None, str(e)
            rc, out = self.dry_then_real("redeem", args, op.get("dry"))
            self.expect("redeem_gift", refused, rc, out,
                        "redeem gift %s %s" % (m.code, op["sku"]))
            if rc == 0:
                self.redeem_codes[op["id"]] = out["redemption"]
                want["redemption"] = out["redemption"]
                self.eq("redeem_gift", want, out, "redeem gift")
            self.touched.add(m.code)
            return True
        if k == "cancel":
            d = mo.redemptions.get(op["id"])
            if d is None or op["id"] not in self.redeem_codes:
                return False
            m = mo.members[d["member"]]
            if m.debt > 0 and not d["cancelled"] and \
                    self.gated("restore-in-debt"):
                return False
            try:
                want = mo.cancel(op["id"])
                refused = None
            except Refused as e:
                want, refused = None, str(e)
            code = self.redeem_codes[op["id"]]
            rc, out = self.dry_then_real("redeem", ["cancel", code],
                                         op.get("dry"))
            self.expect("redeem_cancel", refused, rc, out, "redeem cancel")
            if rc == 0:
                want["redemption"] = code
                # list_points: the points the gift was given back for
                # (the tools print those, not the gift's list points)
                want["list_points"] = want["points"]
                if d["list_points"] != d["points"]:
                    mo.event("cancel of a gift at a tier's discount")
                self.eq("redeem_cancel", want, out, "redeem cancel")
            self.touched.add(m.code)
            return True
        if k == "adjust":
            m = mo.members.get(op["code"])
            if m is None:
                return False
            n = op["n"]
            stream = op.get("stream")
            if stream and self.gated("adjust-stream"):
                return False
            if stream and n < 0 and m.debt == 0 and \
                    -n > mo.spendable(m) and self.has_lapsed(m) and \
                    self.gated("stream-refused-lapse"):
                return False
            try:
                want = mo.adjust(m.code, n)
                refused = None
            except Refused as e:
                want, refused = None, str(e)
            sign = "%+d" % n
            if stream:
                rc, out = bk.json("points", "adjust", "-", sign, "--reason",
                                  "sim", stdin="code\n%s\n" % m.code,
                                  shell_stdin="printf 'code\\n%s\\n'" %
                                  m.code)
                if isinstance(out, list) and out:
                    out = out[0]
                if rc == 65:
                    # a refused row of a stream: reported, exit 65
                    rc = 1
                    self.check("adjust_stream.refused_row", refused
                               is not None, "points adjust - %s: the tool "
                               "refused the row: %s" % (sign, out))
            else:
                rc, out = self.dry_then_real("points", ["adjust", m.code,
                                                        sign, "--reason",
                                                        "sim"],
                                             op.get("dry"))
            self.expect("adjust", refused, rc, out, "points adjust %s %s" %
                        (m.code, sign))
            if rc == 0:
                got = {k2: out.get(k2) for k2 in want}
                self.eq("adjust", want, got, "points adjust")
            self.touched.add(m.code)
            return True
        if k == "award":
            m = mo.members.get(op["code"])
            if m is None:
                return False
            args = ["award", m.code, "--kind", op["kind"]]
            if op.get("points"):
                args += ["--points", op["points"]]
            try:
                want = mo.award(m.code, op["kind"], op.get("points"))
                refused = None
            except Refused as e:
                want, refused = None, str(e)
            rc, out = self.dry_then_real("points", args, op.get("dry"))
            self.expect("award", refused, rc, out, "points award")
            if rc == 0:
                if isinstance(out, list):
                    out = out[0]
                got = {k2: out.get(k2) for k2 in want}
                self.eq("award", want, got, "points award")
            self.touched.add(m.code)
            return True
        if k == "expire":
            rows = mo.expire(mo.today)
            rc, out = self.dry_then_real("expire", [], op.get("dry"))
            self.expect("expire", None, rc, out, "expire")
            key = lambda r: r["member"]
            self.eq("expire", sorted(rows, key=key),
                    sorted(out or [], key=key), "expire")
            self.touched.update(r["member"] for r in rows)
            return True
        if k == "recalc":
            rc, out, err = bk.run("member", "tiers", "--recalc")
            self.expect("recalc", None, rc, err, "member tiers --recalc")
            mo.recalc()
            rc, rows = bk.json("member", "list")
            got = {r["code"]: r["tier"] for r in rows or []}
            self.eq("recalc", {c: m.tier for c, m in mo.members.items()},
                    got, "member tiers --recalc")
            return True
        raise ValueError("unknown op %r" % k)

    def op_sale(self, op):
        mo = self.model
        code = op.get("code")
        if code is not None and code not in mo.members:
            return False
        if any(sku not in mo.products for sku, _, _ in op["items"]):
            return False
        if op["receipt"] in mo.sales:
            return False
        m = mo.members.get(code) if code else None
        used = op.get("use", 0)
        if used == "quote":
            # what redeem quote offers for this order, the till then takes
            # at the prices the till charges: a tier's discount on list
            # prices to an active member
            def charged(sku, price):
                if price is not None:
                    return price
                if m.status != "active":
                    return mo.products[sku]["price"]
                return mo.r.price(m.tier, mo.products[sku]["price"])
            gross = sum(q * charged(s, p) for s, q, p in op["items"])
            want = mo.redeem_quote(code, gross)
            rc, q = self.book.json("redeem", "quote", code, "--amount",
                                   money(gross))
            self.check("redeem_quote.exit", rc == 0, "redeem quote: %s" % q)
            if self.has_lapsed(m):
                mo.event("redeem quote, lapsed lots left out")
            if self.has_lapsed(m) and "lapsed-quote" not in self.features:
                used = want
            else:
                self.eq("redeem_quote", {"member": code,
                                         "amount": money(gross),
                                         "max_points": want,
                                         "value": money(
                                             mo.r.offset_value(want))}, q,
                        "redeem quote %s --amount %s" % (code, money(gross)))
                used = q["max_points"]
        args = []
        if code:
            args += ["--member", code]
        if used:
            args += ["--use-points", used]
        for sku, qty, price in op["items"]:
            args.append("%s:%d" % (sku, qty) +
                        ("@" + money(price) if price is not None else ""))
        if op.get("future"):
            # --at more than five minutes after the clock: refused
            args += ["--at", ts(mo.now + datetime.timedelta(
                minutes=op["future"]))]
            rc, out = self.book.json("sale", "add", "--receipt",
                                     op["receipt"], *args)
            # a bad value of --at: a usage error (exit 64), nothing booked
            self.check("sale_future.refusal", rc == 64, "sale add --at %s, "
                       "%d minutes after the clock: exit %d: %s" % (
                           args[-1], op["future"], rc, out))
            mo.event("sale dated after the clock")
            return True
        quote = None
        if op.get("quote"):
            rc, quote = self.book.json("sale", "quote", *args)
            quote = (rc, quote)
        try:
            s = mo.sale(op["receipt"], code, op["items"], used)
            refused = None
        except Refused as e:
            s, refused = None, str(e)
        rc, out = self.dry_then_real("sale", ["add", "--receipt",
                                              op["receipt"]] + args,
                                     op.get("dry"))
        what = "sale add %s" % " ".join(map(str, args))
        self.expect("sale_add", refused, rc, out, what)
        if quote is not None:
            qrc, q = quote
            if rc == 0 and qrc == 0:
                q = dict(q)
                q.pop("receipt", None)
                o = dict(out)
                o.pop("receipt", None)
                self.eq("sale_quote", o, q, "sale quote then add: " + what)
            else:
                self.check("sale_quote", qrc == rc, "%s: quote exit %d, "
                           "add exit %d" % (what, qrc, rc))
        if rc == 0:
            want = {"receipt": s["receipt"], "member": code,
                    "gross": money(s["gross"]),
                    "offset": money(s["offset"]), "paid": money(s["paid"]),
                    "points_used": s["used"],
                    "points_earned": s["earned"],
                    "bonus_points": s["bonus"],
                    "balance": mo.shown(m) if m else None,
                    "discount": money(s["discount"])}
            got = {k: out.get(k) for k in want}
            self.eq("sale_add", want, got, what)
            self.eq("sale_add.lines", s["per"],
                    [l["points"] for l in out.get("lines", [])],
                    what + ": each line's points")
            self.eq("sale_add.prices",
                    [(money(l["price"]), l["list_price"] and
                      money(l["list_price"])) for l in s["lines"]],
                    [(l["price"], l.get("list_price"))
                     for l in out.get("lines", [])],
                    what + ": each line's price and list price")
        if m is not None:
            self.touched.add(m.code)
            if s and s["referrer"]:
                self.touched.add(s["referrer"])
        return True

    def op_return(self, op):
        mo = self.model
        s = mo.sales.get(op["receipt"])
        if s is None:
            return False
        items = [tuple(x) for x in op.get("items", [])]
        m = mo.members.get(s["member"]) if s["member"] else None
        if m is not None:
            # the situations the tools get wrong today, kept out
            lines_left = [l["qty"] - l["returned"] for l in s["lines"]]
            if items and any(mo.products[l["sku"]]["category"] !=
                             l["category"] or
                             mo.products[l["sku"]]["no_points"] !=
                             l["no_points"] for l in s["lines"]) and \
                    sum(q for _, q in items) < sum(lines_left):
                if self.gated("product-change"):
                    return False
                mo.event("partial return, product changed since")
            refs = [m] + ([mo.members[s["referrer"]]] if s["referrer"]
                          else [])
            if any(mo.expired_from(x, s["receipt"]) for x in refs) and \
                    self.gated("return-after-expiry"):
                return False
            if m.debt > 0 and s["used"] > s["restored"] and \
                    self.gated("restore-in-debt"):
                return False
            if s["offset_entry"] is not None and s["used"] > s["restored"]:
                used_left = s["used"] - s["restored"]
                rg = whole = None
                try:
                    rg, whole, _ = mo.return_take(s, items)
                except Refused:
                    pass
                if rg is not None:
                    give = (used_left if whole else
                            min(s["used"] * rg // s["gross"], used_left))
                    if give > 0 and mo.restore_differs(
                            m, s["offset_entry"], give):
                        if self.gated("restore-past-given-back"):
                            return False
                        mo.event("restore past what was given back")
        if op.get("import"):
            return self.import_return(op, s, m, items)
        try:
            want = mo.sale_return(op["receipt"], items)
            refused = None
        except Refused as e:
            want, refused = None, str(e)
        args = ["return", op["receipt"]] + ["%s:%d" % x for x in items]
        rc, out = self.dry_then_real("sale", args, op.get("dry"))
        self.expect("sale_return", refused, rc, out, "sale " +
                    " ".join(args))
        if rc == 0:
            want["returned_gross"] = money(want["returned_gross"])
            got = {k: out.get(k) for k in want}
            self.eq("sale_return", want, got, "sale " + " ".join(args))
        if rc == 0 and m is not None and s["whole"]:
            # DESIGN 5.8: a receipt returned in full nets to zero for its
            # members, less what expired from its lots
            for x in [m] + ([mo.members[s["referrer"]]] if s["referrer"]
                            else []):
                rc2, hist = self.book.json("points", "history", x.code)
                net = sum(h["delta"] for h in hist or []
                          if h["ref"] == s["receipt"])
                # its lots may also have held points other restores put
                # back: when more expired than the receipt had left, the
                # return reverses nothing and the net is what was left
                exp = mo.expired_from(x, s["receipt"])
                if (0 <= net < exp and (x is not m or
                                        out.get("points_reversed") == 0)):
                    exp = net
                self.eq("whole_return_nets", exp,
                        net, "%s: the entries of %s, whole returned, net "
                        "to what expired of its lots" % (x.code,
                                                         s["receipt"]))
        if m is not None:
            self.touched.add(m.code)
            if s["referrer"]:
                self.touched.add(s["referrer"])
        return True

    def import_return(self, op, s, m, items):
        """The return as a till's credit note in a sale import: negative
        quantities and return_of, under the note's own number; a second
        import of the same file records nothing."""
        mo = self.model
        if not items:
            left = {}
            for l in s["lines"]:
                left[l["sku"]] = left.get(l["sku"], 0) + l["qty"] - \
                    l["returned"]
            items = [(k, v) for k, v in left.items() if v > 0]
            if not items:
                return False    # a note of nothing: nothing to say
        try:
            mo.sale_return(op["receipt"], items)
            refused = None
        except Refused as e:
            refused = str(e)
        self.notes += 1
        note = "CN%05d" % self.notes
        csv = "receipt,member,sku,qty,return_of\n" + "".join(
            "%s,%s,%s,%d,%s\n" % (note, s["member"] or "", k, -q,
                                  op["receipt"]) for k, q in items)
        what = "sale import of credit note %s for %s" % (note, op["receipt"])
        for n in (1, 2):
            rc, out, err = self.book.run("sale", "import", "-q", "-",
                                         stdin=csv)
            ok = 65 if refused else 0
            self.check("import_return.exit", rc == ok, "%s (run %d): "
                       "model %s, exit %d: %s" % (
                           what, n, "refuses (%s)" % refused if refused
                           else "accepts", rc, err.strip()))
        mo.event("return by credit note")
        if m is not None:
            self.touched.add(m.code)
            if s["referrer"]:
                self.touched.add(s["referrer"])
        return True

    def step(self, op):
        """One operation and the checks after it: the members it touched
        and the audit every time, everything every full_every ops.  A
        replay that shrinks a failure runs only the checks of its kind
        (self.only: "op", "member", "global")."""
        self.touched = set()
        self.book.phase = "op"
        self.mark = len(self.book.log)
        self.ops.append(op)
        done = self.apply(op)
        self.book.phase = "check"
        if not done:
            return False
        self.n += 1
        only = getattr(self, "only", None)
        if only in (None, "member"):
            for code in sorted(self.touched):
                self.check_member(code)
        if only is None and self.full_every and \
                self.n % self.full_every == 0:
            self.check_all()
        elif only in (None, "audit"):
            self.check_audit()
        return True


# the kind of each check that is not an operation's own
MEMBER_CHECKS = ("balance", "balance.exit", "history", "history.exit")
GLOBAL_CHECKS = ("tiers_status", "member_list.exit", "report_sales.exit",
                 "report_sales_total", "report_sales_by_day",
                 "report_sales_by_member", "report_daily",
                 "report_daily.exit")


def check_kind(check):
    if check == "audit":
        return "audit"
    if check in MEMBER_CHECKS:
        return "member"
    if check in GLOBAL_CHECKS:
        return "global"
    return "op"


# ---------------------------------------------------------------------------
# drawing operations

class Gen:
    """Draws the next operation from the seed and the model's state (never
    from the tools' answers, so a seed always gives the same run)."""

    def __init__(self, rng, features):
        self.rng = rng
        self.features = features
        self.nmember = 0
        self.nreceipt = 0
        self.ngift = 0
        self.queue = []             # the rest of a scenario drawn whole

    def setup(self):
        rng = self.rng
        ops = []
        cats = ["tea", "tea", "cup", "snack", None, None]
        for i in range(8):
            ops.append({"op": "product", "sku": "P%d" % i,
                        "price": rng.choice([99, 1999, 2000, 4550, 8000,
                                             12000, 19999, 29900, 50]),
                        "category": cats[i % len(cats)],
                        "no_points": i == 7})
        for i in range(3):
            ops.append({"op": "product", "sku": "G%d" % i, "price": 1000,
                        "category": "gift",
                        "gift_points": rng.choice([100, 250, 500, 800])})
            ops.append({"op": "receive", "sku": "G%d" % i, "qty": 30})
        for _ in range(4):
            ops.append(self.member(None))
        if "marketing" in self.features:
            # the run's first rules: marketing's, so every seed meets it
            ops.append(self.rules(None, START.date(), 1))
        return ops

    def member(self, model):
        rng = self.rng
        self.nmember += 1
        op = {"op": "member", "code": "C%04d" % self.nmember,
              "phone": "1390000%04d" % self.nmember}
        if rng.random() < 0.5:
            op["name"] = "Member %d" % self.nmember
        if rng.random() < 0.5:
            op["email"] = "m%d@shop.cn" % self.nmember
        if rng.random() < 0.6:
            op["birthday"] = "19%02d-%02d-%02d" % (rng.randint(50, 99),
                                                   rng.randint(1, 12),
                                                   rng.randint(1, 28))
        if model is not None and model.members and rng.random() < 0.4:
            op["referrer"] = rng.choice(sorted(model.members))
        return op

    def when(self, today, m, days=0.3, hours=0.1, holiday=0.4):
        """Draws a multiplier's or threshold's time conditions into m:
        days (now and then "holiday" among them), from/to, hours."""
        rng = self.rng
        market = "marketing" in self.features
        if rng.random() < days:
            m["days"] = sorted(rng.sample(DAYS, rng.randint(1, 3)),
                               key=DAYS.index)
            if market and rng.random() < holiday:
                m["days"] = (m["days"][:rng.randint(0, 1)] + ["holiday"])
        if rng.random() < 0.3:
            d0 = today + datetime.timedelta(days=rng.randint(-10, 20))
            m["from"] = d0.isoformat()
            m["to"] = (d0 + datetime.timedelta(
                days=rng.randint(0, 10))).isoformat()
        if market and rng.random() < hours:
            m["hours"] = rng.choice(["09:00-18:00", "18:00-22:00",
                                     "22:00-02:00", "00:00-12:00",
                                     "12:30-23:59", "10:15-10:45"])
        return m

    def marketing(self, doc, today):
        """Holidays (some of the days the run goes through), spend
        thresholds with and without conditions, and the tiers' discounts
        on list prices and gifts (issue 14)."""
        rng = self.rng
        if rng.random() < 0.6:
            days = [rng.randint(-2, 60) for _ in range(rng.randint(1, 8))]
            if rng.random() < 0.5:
                days.append(0)      # today: a sale on it is likely
            doc["holidays"] = sorted(set(
                (today + datetime.timedelta(days=d)).isoformat()
                for d in days))
            if rng.random() < 0.5:
                doc["multipliers"].append({"name": "holiday",
                                           "days": ["holiday"],
                                           "factor": rng.choice(["2", "3",
                                                                 "1.5"])})
        elif rng.random() < 0.3:
            doc["holidays"] = []
        if rng.random() < 0.7:
            ts_ = []
            for i in range(rng.choice([1, 1, 2, 3])):
                t = {"name": rng.choice(["spend%d" % i, "national-day",
                                         "manyuesong"]) + "-%d" % i,
                     "min_paid": rng.choice(["50.00", "100.00", "200.00",
                                             "300.00", "500.00",
                                             "1000.00"]),
                     "points": rng.choice([10, 50, 100, 300])}
                if rng.random() < 0.5:
                    self.when(today, t, days=0.5, hours=0.3, holiday=0.7)
                ts_.append(t)
            doc["thresholds"] = ts_
        elif rng.random() < 0.3:
            doc["thresholds"] = []
        for t in doc["tiers"]:
            p = 0.1 if t["name"] == "normal" else 0.5
            if rng.random() < p:
                t["discount"] = rng.choice(["0.95", "0.9", "0.88", "0.85",
                                            "0.5", "1"])
            if rng.random() < p:
                t["gift_discount"] = rng.choice(["0.9", "0.8", "0.75",
                                                 "0.95", "0.33", "1"])

    def rules(self, model, today=None, market=0.7):
        rng = self.rng
        today = today or model.today
        doc = {}
        if rng.random() < 0.8:
            doc["earn"] = {"points": rng.choice([1, 1, 1, 2, 3]),
                           "per_amount": rng.choice(["1.00", "1.00", "0.50",
                                                     "2.00", "10.00",
                                                     "0.30"])}
        nice = "multiply-inexact" not in self.features
        facs = (["1.5", "2", "3", "1.2", "1.1"] if nice else
                ["1.5", "2", "1.15", "1.25", "3", "1.33", "1.05"])
        mults = []
        for i in range(rng.choice([0, 1, 1, 2, 2, 3])):
            m = {"name": "m%d" % i, "factor": rng.choice(facs)}
            if rng.random() < 0.3:
                m["categories"] = rng.sample(["tea", "cup", "snack"],
                                             rng.randint(1, 2))
            if rng.random() < 0.2:
                m["skus"] = rng.sample(["P%d" % j for j in range(8)],
                                       rng.randint(1, 3))
            mults.append(self.when(today, m))
        if rng.random() < 0.5:
            mults.append({"name": "weekend", "days": ["sat", "sun"],
                          "factor": "1.5"})
        doc["multipliers"] = mults
        doc["stacking"] = rng.choice(["max", "multiply"])
        if nice and doc_inexact(doc):
            doc["stacking"] = "max"
        s = rng.choice([300, 800, 2000])
        g = s + rng.choice([500, 1500, 3000])
        doc["tiers"] = [
            {"name": "normal", "min_points": 0, "factor": "1"},
            {"name": "silver", "min_points": s,
             "factor": rng.choice(["1.1", "1.2", "1.25"])},
            {"name": "gold", "min_points": g,
             "factor": rng.choice(["1.5", "2", "1.75"])}]
        doc["bonuses"] = {"signup": rng.choice([0, 50, 100]),
                          "profile": rng.choice([0, 50]),
                          "birthday": rng.choice([0, 200]),
                          "referral": rng.choice([0, 100, 300])}
        doc["activities"] = {
            "share": {"points": rng.choice([10, 50]), "daily_cap": 1},
            "review": {"points": 20, "daily_cap": rng.choice([0, 2, 5])}}
        doc["expiry"] = {"months": rng.choice([1, 2, 3, 6, 12, 24]),
                         "remind_days": rng.choice([7, 30])}
        op_, val = rng.choice([(100, "10.00"), (100, "10.00"), (50, "5.00"),
                               (100, "1.00")])
        doc["offset"] = {"points": op_, "value": val,
                         "min_points": op_ * rng.choice([1, 2]),
                         "min_order": rng.choice(["200.00", "50.00",
                                                  "0.01"]),
                         "max_value": rng.choice(["500.00", "30.00",
                                                  "100.00"])}
        if "pending" in self.features:
            doc["pending_days"] = (0 if rng.random() < 0.5 else
                                   rng.randint(1, 10))
        if "marketing" in self.features and rng.random() < market:
            self.marketing(doc, today)
            if nice and doc_inexact(doc):
                doc["stacking"] = "max"
        for key in ("earn", "bonuses", "activities", "offset"):
            if rng.random() < 0.1:
                doc.pop(key, None)
        return {"op": "rules", "doc": doc}

    def abuse(self, model):
        """Buy big, spend the points on gifts, return the purchase (a debt
        when the points are gone), perhaps cancel the gifts after: the
        order of events that pending_days is for (issue 9)."""
        rng = self.rng
        code = rng.choice(sorted(model.members))
        self.nreceipt += 1
        rc = "S%05d" % self.nreceipt
        ops = [{"op": "sale", "tick": 1, "receipt": rc, "code": code,
                "items": [["P%d" % rng.randint(0, 5), rng.randint(2, 3),
                           rng.choice([29900, 50000, 120000])]]}]
        gifts = []
        for _ in range(rng.randint(1, 3)):
            self.ngift += 1
            gifts.append("G%04d" % self.ngift)
            ops.append({"op": "gift", "tick": 2, "id": gifts[-1],
                        "code": code, "sku": "G%d" % rng.randint(0, 2),
                        "qty": rng.choice([1, 2])})
        if rng.random() < 0.3:
            ops.append({"op": "clock", "days": rng.randint(1, 10)})
        ops.append({"op": "return", "tick": 3, "receipt": rc, "items": []})
        if rng.random() < 0.5:
            ops.append({"op": "sale", "tick": 1, "receipt": "S%05d" %
                        (self.nreceipt + 1), "code": code,
                        "items": [["P0", 1, 5000]]})
            self.nreceipt += 1
        for g in gifts:
            if rng.random() < 0.6:
                ops.append({"op": "cancel", "tick": 1, "id": g})
        return ops

    def threshold(self, model):
        """A sale just over a spend threshold, returned line by line: the
        first partial return that leaves the kept lines paying less takes
        the threshold's bonus back, a later one nothing more, a whole one
        what is left (issue 14)."""
        rng = self.rng
        t = rng.choice(model.r.thresholds)
        code = rng.choice(sorted(model.members))
        self.nreceipt += 1
        rc = "S%05d" % self.nreceipt
        skus = rng.sample(["P%d" % i for i in range(7)], 3)
        half = t["min_paid"] // 2
        items = [[skus[0], 1, half + rng.choice([0, 1, 500, 5000])],
                 [skus[1], 1, t["min_paid"] - half +
                  rng.choice([0, 0, 99, 3000])]]
        if rng.random() < 0.5:
            items.append([skus[2], rng.randint(1, 2), None])
        op = {"op": "sale", "tick": 1, "receipt": rc, "code": code,
              "items": items}
        if rng.random() < 0.4:
            op["use"] = "quote"
        ops = [op]
        rng.shuffle(items)
        for it in items[:rng.randint(1, len(items))]:
            if rng.random() < 0.3:
                ops.append({"op": "clock", "days": rng.randint(1, 40)})
            if rng.random() < 0.2:
                ops.append({"op": "expire", "tick": 1})
            ops.append({"op": "return", "tick": 2, "receipt": rc,
                        "items": [[it[0], 1]],
                        "import": rng.random() < 0.3})
        if rng.random() < 0.4:
            ops.append({"op": "return", "tick": 2, "receipt": rc,
                        "items": [], "import": rng.random() < 0.3})
        return ops

    def next(self, model):
        if self.queue:
            return self.queue.pop(0)
        rng = self.rng
        mo = model
        codes = sorted(mo.members)
        if codes and rng.random() < 0.01:
            self.queue = self.abuse(model)
            return self.queue.pop(0)
        if codes and mo.r.thresholds and rng.random() < 0.03:
            self.queue = self.threshold(model)
            return self.queue.pop(0)
        w = [("sale", 30), ("clock", 12), ("return", 8), ("gift", 5),
             ("cancel", 2), ("adjust", 5), ("award", 4), ("expire", 4),
             ("recalc", 2), ("rules", 2), ("member", 3), ("status", 1.5),
             ("forget", 0.4), ("update", 1), ("product_update", 1),
             ("receive", 0.5)]
        kind = rng.choices([k for k, _ in w], [x for _, x in w])[0]
        tick = rng.randint(1, 20)
        op = {"op": kind, "tick": tick}
        if rng.random() < 0.08:
            op["dry"] = True
        pick = lambda: rng.choice(codes) if codes else None
        if kind == "clock":
            c = rng.random()
            if c < 0.5:
                op = {"op": "clock", "minutes": rng.randint(30, 600)}
            elif c < 0.93:
                op = {"op": "clock", "days": rng.randint(1, 9)}
            else:
                op = {"op": "clock", "months": rng.randint(1, 4)}
        elif kind == "sale":
            self.nreceipt += 1
            op["receipt"] = "S%05d" % self.nreceipt
            if rng.random() < 0.85 and codes:
                op["code"] = pick()
            skus = ["P%d" % i for i in range(8)]
            items = []
            for _ in range(rng.choice([1, 1, 2, 2, 3, 4])):
                price = None
                if rng.random() < 0.2:
                    price = rng.choice([1, 99, 1999, 25000, 33333])
                items.append([rng.choice(skus), rng.randint(1, 3), price])
            op["items"] = items
            m = mo.members.get(op.get("code"))
            if m is not None and rng.random() < 0.35:
                sp = mo.spendable(m)
                r = mo.r
                c = rng.random()
                if c < 0.4:
                    op["use"] = "quote"
                elif c < 0.7:
                    op["use"] = max(r.off_points,
                                    sp // r.off_points * r.off_points)
                elif c < 0.85:
                    op["use"] = (sp // r.off_points + 1) * r.off_points
                else:
                    op["use"] = r.off_points * rng.randint(1, 5)
            op["quote"] = rng.random() < 0.3
            if rng.random() < 0.02:
                op["future"] = rng.randint(6, 3000)
        elif kind == "return":
            open_ = [s for s in mo.sales.values()
                     if any(l["qty"] > l["returned"] for l in s["lines"])]
            if not open_:
                return self.next(model)
            s = rng.choice(open_[-40:])
            op["receipt"] = s["receipt"]
            c = rng.random()
            if c < 0.4:
                op["items"] = []
            else:
                left = {}
                for l in s["lines"]:
                    left[l["sku"]] = left.get(l["sku"], 0) + l["qty"] - \
                        l["returned"]
                items = [[k, rng.randint(1, v)] for k, v in left.items()
                         if v > 0 and rng.random() < 0.6]
                if not items:
                    k, v = rng.choice([(k, v) for k, v in left.items()
                                       if v > 0])
                    items = [[k, 1]]
                if rng.random() < 0.05:
                    items[0][1] += 5      # more than is left: refused
                op["items"] = items
            # a till's credit note in an import, as often as a person's
            op["import"] = rng.random() < 0.3
        elif kind == "gift":
            if not codes:
                return self.next(model)
            self.ngift += 1
            op.update(id="G%04d" % self.ngift, code=pick(),
                      sku="G%d" % rng.randint(0, 2),
                      qty=rng.choice([1, 1, 1, 2]))
        elif kind == "cancel":
            live = [k for k, d in mo.redemptions.items()
                    if not d["cancelled"]]
            if not live:
                return self.next(model)
            op["id"] = rng.choice(live)
        elif kind == "adjust":
            if not codes:
                return self.next(model)
            m = mo.members[pick()]
            op["code"] = m.code
            sp = mo.spendable(m)
            c = rng.random()
            if c < 0.4:
                op["n"] = rng.randint(1, 400)
            elif c < 0.6:
                op["n"] = -max(1, sp)
            elif c < 0.8:
                op["n"] = -(sp + 1)     # past the spendable: refused
            else:
                op["n"] = -rng.randint(1, 300)
            if rng.random() < 0.1:
                op["stream"] = True
        elif kind == "award":
            if not codes:
                return self.next(model)
            op["code"] = pick()
            op["kind"] = rng.choice(["share", "review", "review", "like"])
            if rng.random() < 0.15:
                op["points"] = rng.randint(1, 100)
        elif kind == "rules":
            op = self.rules(model)
        elif kind == "member":
            op = self.member(model)
            op["tick"] = tick
        elif kind in ("status", "forget", "update"):
            if not codes:
                return self.next(model)
            m = mo.members[pick()]
            op["code"] = m.code
            if kind == "status":
                op["fields"] = {"status": rng.choice(
                    ["active", "active", "frozen", "closed"])}
            elif kind == "update":
                op["fields"] = {}
                if not m.name:
                    op["fields"]["name"] = "N" + m.code
                if not m.email:
                    op["fields"]["email"] = m.code.lower() + "@shop.cn"
                if not m.birthday:
                    op["fields"]["birthday"] = "1980-%02d-15" % \
                        rng.randint(1, 12)
                if not op["fields"]:
                    op["fields"]["name"] = "M" + m.code
        elif kind == "product_update":
            op["sku"] = "P%d" % rng.randint(0, 7)
            if rng.random() < 0.5:
                op["category"] = rng.choice(["tea", "cup", "snack"])
            else:
                op["no_points"] = rng.random() < 0.3
        elif kind == "receive":
            op.update(sku="G%d" % rng.randint(0, 2), qty=20)
        return op


# ---------------------------------------------------------------------------
# running, shrinking, reporting

def replay(bindir, ops, features, seed=0, only=None):
    """Runs ops on a fresh book; the failure, or None, and the sim.  With
    only, just the checks of that kind (see Sim.step)."""
    sim = Sim(bindir, seed, features, full_every=0, replay=True)
    sim.only = only
    try:
        for op in ops:
            sim.step(op)
        sim.mark = len(sim.book.log)
        if only in (None, "global", "member"):
            sim.check_all()
        return None, sim
    except SimFailure as f:
        return f, sim
    finally:
        sim.close()


def ddmin(bindir, ops, features, check, deadline, say):
    """The shortest sublist of ops (1-minimal, as time allows) that still
    fails check."""
    runs = 0
    only = check_kind(check)

    def fails(sub):
        nonlocal runs
        runs += 1
        f, _ = replay(bindir, sub, features, only=only)
        return f is not None and f.check == check

    # first whole kinds of operation, then ddmin proper
    for kind in ("adjust", "award", "update", "status", "forget", "recalc",
                 "product_update", "gift", "cancel", "expire", "return",
                 "rules", "sale", "clock", "member"):
        if time.time() >= deadline:
            break
        rest = [o for o in ops if o["op"] != kind]
        if len(rest) < len(ops) and fails(rest):
            ops = rest
            say("  shrink: no %s, %d ops" % (kind, len(ops)))
    n = 2
    while len(ops) >= 2 and time.time() < deadline:
        chunk = (len(ops) + n - 1) // n
        parts = [ops[i:i + chunk] for i in range(0, len(ops), chunk)]
        reduced = False
        for i in range(len(parts)):
            if time.time() >= deadline:
                break
            rest = [o for j, p in enumerate(parts) if j != i for o in p]
            if fails(rest):
                ops = rest
                n = max(n - 1, 2)
                reduced = True
                say("  shrink: %d ops" % len(ops))
                break
        if not reduced:
            if n >= len(ops):
                break
            n = min(len(ops), n * 2)
    return ops, runs


def print_commands(sim):
    """The operations' commands, then the queries of the failing step."""
    log = sim.book.log
    mark = getattr(sim, "mark", len(log))
    print("as commands (in an empty directory; the exit status after #):")
    if os.environ.get("JIFEN_TEST_PG"):
        print("  export TZ=UTC JIFEN_DB=%s; unset JIFEN_OPERATOR" %
              shlex.quote(pg_uri("NEW_EMPTY_DATABASE")))
    else:
        print("  export TZ=UTC JIFEN_DB=$PWD/jifen.db; "
              "unset JIFEN_OPERATOR")
    for i, (phase, cmd, rc) in enumerate(log):
        if phase == "file":
            print("  " + cmd.replace("\n", "\n  "))
        elif phase == "op" or i >= mark:
            print("  %s%s   # %d" % ("" if phase == "op" else "(check) ",
                                     cmd, rc))


def run_seed(args, seed, features, stats):
    rng = random.Random(seed)
    gen = Gen(rng, features)
    sim = Sim(args.bindir, seed, features, full_every=args.full_every)
    t0 = time.time()
    failure = None
    try:
        ops = gen.setup()
        for op in ops:
            sim.step(op)
        while sim.n < args.steps and time.time() - t0 < args.seconds:
            sim.step(gen.next(sim.model))
        sim.check_all()
    except SimFailure as f:
        failure = f
    finally:
        sim.close()
    dt = time.time() - t0
    stats["ops"] += sim.n
    stats["time"] += dt
    stats["calls"] += sim.book.calls
    for k, v in sim.checks.items():
        stats["checks"][k] = stats["checks"].get(k, 0) + v
    for k, v in sim.model.events.items():
        stats["events"][k] = stats["events"].get(k, 0) + v
    for k, v in sim.skipped.items():
        stats["skipped"][k] = stats["skipped"].get(k, 0) + v
    if failure is None:
        print("seed %d: %d ops in %.1f s, ok" % (seed, sim.n, dt))
        return True
    print("seed %d: FAILED after %d ops: %s" % (seed, sim.n, failure.check))
    print("  " + failure.detail.replace("\n", "\n  "))
    sys.stdout.flush()
    ops = sim.ops
    if args.shrink_seconds > 0:
        print("shrinking %d ops (at most %d s) ..." % (len(ops),
                                                      args.shrink_seconds))
        deadline = time.time() + args.shrink_seconds
        ops, runs = ddmin(args.bindir, ops, features, failure.check,
                          deadline, lambda s: args.verbose and print(s))
        print("shrunk to %d ops in %d replays" % (len(ops), runs))
    only = check_kind(failure.check)
    f, s2 = replay(args.bindir, ops, features, seed, only)
    if f is None or f.check != failure.check:
        print("(the shrunk sequence no longer fails the same check; "
              "printing the whole run)")
        ops = sim.ops
        f, s2 = replay(args.bindir, ops, features, seed, only)
    print("\nseed: %d\nfeatures: %s\ncheck: %s" % (
        seed, ",".join(sorted(features)) or "(none)", failure.check))
    if f is not None:
        print("  " + f.detail.replace("\n", "\n  "))
    path = os.path.join(args.keep, "sim-fail-%d.jsonl" % seed)
    with open(path, "w") as fh:
        for op in ops:
            fh.write(json.dumps(op) + "\n")
    print("operations (%d), replay with --replay %s:" % (len(ops), path))
    for op in ops:
        print("  " + json.dumps(op))
    print_commands(s2)
    return False


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, action="append",
                    help="a seed (again for more)")
    ap.add_argument("--seeds", help="seeds, comma-separated, or ranges: "
                    "1-4,9")
    ap.add_argument("--steps", type=int, default=2000,
                    help="operations per seed (default 2000)")
    ap.add_argument("--seconds", type=float, default=float("inf"),
                    help="stop drawing operations after S s per seed")
    ap.add_argument("--features", default=os.environ.get(
        "JIFEN_SIM_FEATURES", ""), help="comma-separated, NAME on, -NAME "
        "off, from the defaults (%s): %s; or all, none" % (
            ",".join(sorted(DEFAULT_ON)), ", ".join(FEATURES)))
    ap.add_argument("--full-every", type=int, default=20,
                    help="all members, reports and tiers every N ops "
                    "(audit and touched members every op)")
    ap.add_argument("--shrink-seconds", type=float, default=300)
    ap.add_argument("--keep", default=tempfile.gettempdir(),
                    help="where a failing run's operations are written")
    ap.add_argument("--replay", help="run the operations of a JSONL file")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    o = os.environ.get("O", "build")
    top = os.path.dirname(os.path.dirname(os.path.dirname(
        os.path.abspath(__file__))))
    args.bindir = os.path.join(o if os.path.isabs(o) else
                               os.path.join(top, o), "bin")
    if not os.access(os.path.join(args.bindir, "sale"), os.X_OK):
        print("sim: no tools in %s (make O=%s first)" % (args.bindir, o),
              file=sys.stderr)
        return 66
    feats = set(DEFAULT_ON)
    bad = set()
    for f in (x.strip() for x in args.features.split(",")):
        if not f:
            continue
        if f == "all":
            feats = set(FEATURES)
        elif f == "none":
            feats = set()
        elif f.startswith("-") and f[1:] in FEATURES:
            feats.discard(f[1:])
        elif f in FEATURES:
            feats.add(f)
        else:
            bad.add(f)
    if bad:
        print("sim: unknown feature: %s" % ", ".join(sorted(bad)),
              file=sys.stderr)
        return 64
    if args.replay:
        with open(args.replay) as fh:
            ops = [json.loads(l) for l in fh if l.strip()]
        f, s = replay(args.bindir, ops, feats)
        print_commands(s)
        if f:
            print("FAILED: %s: %s" % (f.check, f.detail))
            return 1
        print("ok: %d ops" % s.n)
        return 0
    seeds = list(args.seed or [])
    if args.seeds:
        for x in args.seeds.split(","):
            lo, _, hi = x.partition("-")
            if lo:
                seeds += range(int(lo), int(hi or lo) + 1)
    if not seeds:
        seeds = [1]
    stats = {"ops": 0, "time": 0.0, "calls": 0, "checks": {},
             "skipped": {}, "events": {}}
    ok = True
    for seed in seeds:
        ok = run_seed(args, seed, feats, stats) and ok
    print("ops run: %d; %.1f ops/s (%d tool runs, %.1f/s); seeds: %s" % (
        stats["ops"], stats["ops"] / max(stats["time"], 1e-9),
        stats["calls"], stats["calls"] / max(stats["time"], 1e-9),
        ",".join(map(str, seeds))))
    print("features on: %s" % (",".join(sorted(feats)) or "(none)"))
    print("checks performed: %d (%s)" % (
        sum(stats["checks"].values()), ", ".join(
            "%s %d" % kv for kv in sorted(stats["checks"].items()))))
    print("events: %s" % ", ".join(
        "%s %d" % kv for kv in sorted(stats["events"].items())))
    if stats["skipped"]:
        print("ops skipped for features off: %s" % ", ".join(
            "%s %d" % kv for kv in sorted(stats["skipped"].items())))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
