-- jifen's book, schema version 1.  CHECKs spell out their alternatives
-- with OR: an IN list there makes SQLite build a temporary table on every
-- row written.  Embedded in every tool at build time;
-- a newer version is a numbered migration run by PRAGMA user_version.
-- Money is integer fen, points integers, times 'YYYY-MM-DD HH:MM:SS',
-- dates 'YYYY-MM-DD'.  Every row a tool writes points at its audit row.
--
-- Every index is written on every insert: each one below says the queries
-- that need it, as EXPLAIN QUERY PLAN shows them (a log of the statements
-- the whole suite prepares, each planned on a fresh book).  A UNIQUE is the
-- identity of its row (a code, a receipt, an idempotency key).

CREATE TABLE operator (
	name	TEXT PRIMARY KEY,
	role	TEXT NOT NULL CHECK (role = 'cashier' OR
		role = 'manager' OR role = 'admin'),
	added	TEXT NOT NULL
);

CREATE TABLE audit (
	id	INTEGER PRIMARY KEY,
	at	TEXT NOT NULL,
	operator TEXT NOT NULL,
	tool	TEXT NOT NULL,
	args	TEXT NOT NULL
);
CREATE TRIGGER audit_append_only_u BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_append_only_d BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

CREATE TABLE member (
	id	INTEGER PRIMARY KEY,
	code	TEXT NOT NULL UNIQUE,
	phone	TEXT UNIQUE,			-- NULL once forgotten
	name	TEXT,
	email	TEXT,
	birthday TEXT,
	referrer_id INTEGER REFERENCES member(id),
	joined	TEXT NOT NULL,
	tier	TEXT NOT NULL DEFAULT 'normal',
	status	TEXT NOT NULL DEFAULT 'active'
		CHECK (status = 'active' OR status = 'frozen' OR
		status = 'closed'),
	balance	INTEGER NOT NULL DEFAULT 0,	-- = sum of its ledger deltas
	debt	INTEGER NOT NULL DEFAULT 0 CHECK (debt >= 0),
	forgotten TEXT,
	audit_id INTEGER NOT NULL REFERENCES audit(id)
);
-- report members, member list --joined-since/--joined-until: the members
-- who joined in a period (WHERE joined >= ? AND joined < ?).
CREATE INDEX member_joined ON member(joined);
-- code and phone are UNIQUE, and their indexes find a member by either
-- (jf_member_id, the sale's member, imports).  A sealed book finds a
-- phone by its blind index instead, member_phone_ix, which holds only
-- the keys that differ from their phone (lib/db.c, schema 6 and 12).

-- The rules documents, each governing from its effective time on.
CREATE TABLE rules (
	version	INTEGER PRIMARY KEY,
	effective TEXT NOT NULL,
	doc	TEXT NOT NULL,
	audit_id INTEGER REFERENCES audit(id)	-- NULL for the built-in defaults
);
-- jf_rules_at: the version in force at a time (WHERE effective <= ?
-- ORDER BY effective DESC, version DESC LIMIT 1), once per sale's time.
CREATE INDEX rules_effective ON rules(effective, version);

-- The points ledger: append-only, one row per movement.
CREATE TABLE ledger (
	id	INTEGER PRIMARY KEY,
	member_id INTEGER NOT NULL REFERENCES member(id),
	at	TEXT NOT NULL,
	kind	TEXT NOT NULL,	-- one of ledger_kind's, with its sign
	delta	INTEGER NOT NULL,
	ref	TEXT,				-- receipt, redemption, ...
	rule	TEXT,				-- the rule that gave it
	reason	TEXT,
	operator TEXT NOT NULL,
	ikey	TEXT UNIQUE,			-- one source event books once
	audit_id INTEGER NOT NULL REFERENCES audit(id)
);
-- points history, the tier's 365 days (sum WHERE member_id = ? AND at > ?),
-- an activity's daily cap (count WHERE member_id = ? AND at >= ?); from
-- schema 13 (lib/db.c) on (member_id, at, kind, delta), so that the tier's
-- sum and report audit's balances by member read the index alone.
CREATE INDEX ledger_member ON ledger(member_id, at);
-- report daily, report points and report leaderboard over a period
-- (WHERE at >= ?1 AND at < ?2 GROUP BY kind / member_id).
CREATE INDEX ledger_at ON ledger(at);
-- a receipt's or redemption's entries: returns (the offset entry, the
-- bonuses and thresholds to take back), points explain, redeem cancel.
CREATE INDEX ledger_ref ON ledger(ref) WHERE ref IS NOT NULL;

-- Every positive entry is a lot with its own last valid day.
CREATE TABLE lot (
	id	INTEGER PRIMARY KEY,
	entry_id INTEGER NOT NULL UNIQUE REFERENCES ledger(id),
	member_id INTEGER NOT NULL REFERENCES member(id),
	amount	INTEGER NOT NULL CHECK (amount > 0),
	remaining INTEGER NOT NULL CHECK (remaining >= 0 AND remaining <= amount),
	gained	TEXT NOT NULL,
	expires_on TEXT NOT NULL,		-- the last valid day
	reminded TEXT				-- when expire remind announced it
);
-- spending from the lots that expire first (WHERE member_id = ? AND
-- remaining > 0 ORDER BY expires_on, id), points balance's expiring sums.
CREATE INDEX lot_spend ON lot(member_id, expires_on, id) WHERE remaining > 0;
-- expire: the lots past a day (WHERE remaining > 0 AND expires_on < ?);
-- expire remind: those in the window.
CREATE INDEX lot_expiry ON lot(expires_on) WHERE remaining > 0;

-- Which lot paid for which spending entry (points > 0 taken), or which
-- lot a restore gave points back to; lot_id NULL is debt.
CREATE TABLE alloc (
	id	INTEGER PRIMARY KEY,
	entry_id INTEGER NOT NULL REFERENCES ledger(id),
	lot_id	INTEGER REFERENCES lot(id),
	points	INTEGER NOT NULL CHECK (points > 0)
);
-- a restore: the lots a spending took from (WHERE entry_id = ?).
CREATE INDEX alloc_entry ON alloc(entry_id);
-- what was restored to a lot already (alloc b ... b.lot_id = a.lot_id),
-- report audit's lot checks.
CREATE INDEX alloc_lot ON alloc(lot_id);

-- The days expire has run for.
CREATE TABLE expire_run (
	day	TEXT PRIMARY KEY,
	at	TEXT NOT NULL,
	audit_id INTEGER NOT NULL REFERENCES audit(id)
);

CREATE TABLE product (
	id	INTEGER PRIMARY KEY,
	sku	TEXT NOT NULL UNIQUE,
	name	TEXT NOT NULL,
	category TEXT,
	price	INTEGER NOT NULL CHECK (price >= 0),
	cost	INTEGER NOT NULL DEFAULT 0 CHECK (cost >= 0),
	reorder_level INTEGER NOT NULL DEFAULT 0,
	no_points INTEGER NOT NULL DEFAULT 0,
	gift_points INTEGER CHECK (gift_points IS NULL OR gift_points > 0),
	audit_id INTEGER NOT NULL REFERENCES audit(id)
);

-- On hand per store and product: the sum of its moves (cached).
CREATE TABLE stock (
	store	TEXT NOT NULL,
	product_id INTEGER NOT NULL REFERENCES product(id),
	on_hand	INTEGER NOT NULL DEFAULT 0,
	avg_cost INTEGER NOT NULL DEFAULT 0,	-- moving weighted average, fen
	PRIMARY KEY (store, product_id)
) WITHOUT ROWID;

-- The stock book.
CREATE TABLE move (
	id	INTEGER PRIMARY KEY,
	at	TEXT NOT NULL,
	store	TEXT NOT NULL,
	product_id INTEGER NOT NULL REFERENCES product(id),
	kind	TEXT NOT NULL CHECK (kind = 'receive' OR kind = 'sale' OR
		kind = 'return' OR kind = 'redeem' OR kind = 'adjust' OR
		kind = 'count'),
	qty	INTEGER NOT NULL,
	cost	INTEGER,			-- unit cost of a receipt
	ref	TEXT,				-- PO, receipt, redemption
	supplier TEXT,
	reason	TEXT,
	operator TEXT NOT NULL,
	audit_id INTEGER NOT NULL REFERENCES audit(id)
);
-- a delivery's receipt once per store and product, and stock receive
-- --reverse finding it (WHERE kind = 'receive' AND ref = ? AND store = ?).
CREATE UNIQUE INDEX move_receipt ON move(ref, store, product_id)
	WHERE kind = 'receive' AND ref IS NOT NULL;
-- a product's moves: report stock's slow movers (max(m.at) WHERE
-- m.product_id = p.id), stock moves --sku, a redemption's gift move.
CREATE INDEX move_product ON move(product_id, at);
-- stock moves and report purchases over a period, report stock's
-- reconciliation (sum(value) by store WHERE at >= ?1 AND at < ?2).
CREATE INDEX move_at ON move(at);

CREATE TABLE sale (
	id	INTEGER PRIMARY KEY,
	receipt	TEXT NOT NULL UNIQUE,
	at	TEXT NOT NULL,
	store	TEXT NOT NULL,
	member_id INTEGER REFERENCES member(id),
	gross	INTEGER NOT NULL,
	offset_amount INTEGER NOT NULL DEFAULT 0,	-- paid with points
	paid	INTEGER NOT NULL,
	points_used INTEGER NOT NULL DEFAULT 0,
	points_earned INTEGER NOT NULL DEFAULT 0,
	bonus_points INTEGER NOT NULL DEFAULT 0,
	rules_version INTEGER NOT NULL REFERENCES rules(version),
	tier	TEXT,
	tier_factor INTEGER NOT NULL DEFAULT 100,	-- hundredths
	operator TEXT NOT NULL,
	audit_id INTEGER NOT NULL REFERENCES audit(id)
);
-- report daily and report sales by day, month, hour, product over a period
-- (WHERE s.at >= ?1 AND s.at < ?2), sale list --since.
CREATE INDEX sale_at ON sale(at);
-- sale list --member, report members' RFM (GROUP BY member_id), a member's
-- first sale (min(id) WHERE member_id = ?).
CREATE INDEX sale_member ON sale(member_id, at);

CREATE TABLE sale_line (
	id	INTEGER PRIMARY KEY,
	sale_id	INTEGER NOT NULL REFERENCES sale(id),
	line	INTEGER NOT NULL,
	product_id INTEGER NOT NULL REFERENCES product(id),
	qty	INTEGER NOT NULL CHECK (qty > 0),
	price	INTEGER NOT NULL,
	amount	INTEGER NOT NULL,
	multiplier INTEGER NOT NULL DEFAULT 100,	-- hundredths
	rule	TEXT,				-- the multiplier's name
	points	INTEGER NOT NULL DEFAULT 0,
	returned INTEGER NOT NULL DEFAULT 0 CHECK (returned >= 0 AND returned <= qty),
	UNIQUE (sale_id, line)
);
-- the buyers of a product: member list --bought, report recommend's
-- co-purchases (sale_line WHERE product_id = ?).
CREATE INDEX sale_line_product ON sale_line(product_id);

CREATE TABLE sale_return (
	id	INTEGER PRIMARY KEY,
	sale_id	INTEGER NOT NULL REFERENCES sale(id),
	at	TEXT NOT NULL,
	gross	INTEGER NOT NULL,
	points_reversed INTEGER NOT NULL DEFAULT 0,
	points_restored INTEGER NOT NULL DEFAULT 0,
	operator TEXT NOT NULL,
	audit_id INTEGER NOT NULL REFERENCES audit(id)
);
-- a sale's returns: what was reversed and restored so far, its -R number.
CREATE INDEX sale_return_sale ON sale_return(sale_id);
-- report daily's returns of a day (WHERE r.at >= ?1 AND r.at < ?2).
CREATE INDEX sale_return_at ON sale_return(at);

CREATE TABLE redemption (
	id	INTEGER PRIMARY KEY,
	code	TEXT NOT NULL UNIQUE,
	at	TEXT NOT NULL,
	store	TEXT NOT NULL,
	member_id INTEGER NOT NULL REFERENCES member(id),
	product_id INTEGER NOT NULL REFERENCES product(id),
	qty	INTEGER NOT NULL CHECK (qty > 0),
	points	INTEGER NOT NULL CHECK (points > 0),
	cancelled TEXT,
	operator TEXT NOT NULL,
	audit_id INTEGER NOT NULL REFERENCES audit(id)
);
-- redeem list --since/--until, report staff's redemptions in a period.
CREATE INDEX redemption_at ON redemption(at);
