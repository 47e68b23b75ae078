/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vsw_flow.c: flow rules. Validation and classifier construction run on the
 * control thread; vsw_flow_table_lookup() and vsw_flow_key_extract() are
 * fast path (no malloc, no locks, no logs).
 *
 * The classifier is a tuple-space search, as OVS's dpcls: rules are grouped
 * by mask into subtables, each an open-addressing hash (linear probing, load
 * at most 1/2) over the key words its mask selects. A subtable maps a masked
 * key to the best rule with that exact match; lower-priority rules with the
 * same match are shadowed and never looked at. Subtables are sorted by the
 * best priority they hold, so a lookup stops as soon as the next subtable
 * cannot beat the rule it has found.
 *
 * A table is immutable and lives in one rte_zmalloc'd block (header,
 * subtables, their slots, the rules in priority order and their hot parts):
 * building is a sort plus hash inserts, with no rte_hash, because the
 * control thread rebuilds the whole table on every change and swaps it in
 * under RCU. A slot holds its masked key and its rule's place, so a lookup
 * that hits reads one line of the subtable (two when the slot straddles
 * them); the fast path then reads the rule's 8-byte hot part (id, and the
 * port of a lone OUTPUT), not the rule.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_arp.h>
#include <rte_branch_prediction.h>
#include <rte_byteorder.h>
#include <rte_common.h>
#include <rte_ether.h>
#include <rte_hash_crc.h>
#include <rte_ip.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>

#include "vsw.h"
#include "vsw_priv.h"

/* The key is hashed and compared as 32-bit words. */
#define KEY_WORDS ((uint32_t)(sizeof(struct vsw_flow_key) / sizeof(uint32_t)))
_Static_assert(sizeof(struct vsw_flow_key) == 68, "flow key layout changed: no hidden padding");
_Static_assert(sizeof(struct vsw_flow_key) % sizeof(uint32_t) == 0, "key is whole words");

/* Words of a key read through a pointer to the struct. */
typedef uint32_t __rte_may_alias key_word;

#define HASH_SEED 0x9e3779b9u
#define VLAN_VID_MAX 4095
#define VLAN_PCP_MAX 7

#define IPPROTO_ICMP_ 1
#define IPPROTO_TCP_ 6
#define IPPROTO_UDP_ 17
#define IPPROTO_ICMPV6_ 58
#define IPPROTO_SCTP_ 132

/*
 * A subtable's slots are runs of 32-bit words: the hash, the entry's best
 * rule (its position in the table + 1; 0: the slot is empty), then the
 * masked key words. Hash, rule and key share the slot, so a probe that hits
 * reads one cache line, or two when the slot straddles them (slot_stride()).
 */
#define SLOT_HASH 0
#define SLOT_RULE 1
#define SLOT_KEY 2

struct subtable {
	/* Its best rule, in the table's rules: the subtable can give a
	 * better rule than one after this one only. */
	const struct vsw_flow_rule *first;
	uint8_t n_words;	/* key words the mask selects */
	uint8_t words[KEY_WORDS];	/* their indices */
	uint32_t mask[KEY_WORDS];	/* mask of words[i] */
	uint32_t slot_mask;	/* slots - 1 (a power of two minus one) */
	uint32_t *slots;	/* slot_stride(n_words) words each, from a line */
};

struct vsw_flow_table {
	uint64_t generation;
	uint32_t n_rules;
	uint32_t n_subtables;
	bool in_port_only;	/* no mask has a bit outside in_port */
	struct subtable *subtables;	/* by their first rule */
	struct vsw_flow_rule *rules;	/* by decreasing priority, stable */
	struct vsw_flow_hot *hot;	/* of rules[i] */
};

/* Tables ever built; a table's generation is unique. Relaxed: only the
 * uniqueness matters, and the table is published later with a release. */
static uint64_t generation_counter;

/* ------------------------------------------------------------------------ */
/* Validation                                                                */

int
vsw_flow_rule_validate(const struct vsw_flow_rule *rule, char *err, size_t errlen)
{
	const struct vsw_flow_key *k, *m;
	const uint8_t *kb, *mb;
	bool has_drop = false;
	size_t i;

	if (rule == NULL)
		return vsw_invalid(err, errlen, "no rule");
	k = &rule->match.key;
	m = &rule->match.mask;
	if (rule->id >= VSW_FLOW_MAX_RULES)
		return vsw_invalid(err, errlen, "rule id %u out of range (at most %u)", rule->id,
			       VSW_FLOW_MAX_RULES - 1);
	if (k->pad0 != 0 || k->pad1 != 0 || m->pad0 != 0 || m->pad1 != 0)
		return vsw_invalid(err, errlen, "match padding is not zero");
	kb = (const uint8_t *)k;
	mb = (const uint8_t *)m;
	for (i = 0; i < sizeof(*k); i++)
		if ((kb[i] & ~mb[i]) != 0)
			return vsw_invalid(err, errlen, "match key has bits outside its mask");
	if (m->in_port != 0 && m->in_port != UINT16_MAX)
		return vsw_invalid(err, errlen, "in_port mask must be 0 or 0xffff");
	if (m->in_port != 0 && k->in_port >= VSW_MAX_PORTS)
		return vsw_invalid(err, errlen, "in_port %u out of range", k->in_port);
	if (rule->n_actions == 0)
		return vsw_invalid(err, errlen, "no actions (use drop to drop)");
	if (rule->n_actions > VSW_FLOW_MAX_ACTIONS)
		return vsw_invalid(err, errlen, "too many actions (at most %d)", VSW_FLOW_MAX_ACTIONS);

	for (i = 0; i < rule->n_actions; i++) {
		const struct vsw_action *a = &rule->actions[i];

		switch (a->type) {
		case VSW_ACT_OUTPUT:
			if (a->port >= VSW_MAX_PORTS)
				return vsw_invalid(err, errlen, "output port %u out of range", a->port);
			break;
		case VSW_ACT_DROP:
			has_drop = true;
			break;
		case VSW_ACT_NORMAL:
		case VSW_ACT_FLOOD:
		case VSW_ACT_POP_VLAN:
		case VSW_ACT_SET_ETH_SRC:
		case VSW_ACT_SET_ETH_DST:
			break;
		case VSW_ACT_PUSH_VLAN:
		case VSW_ACT_SET_VLAN:
			if (a->vid > VLAN_VID_MAX)
				return vsw_invalid(err, errlen, "VLAN id %u out of range 0..%d", a->vid,
					       VLAN_VID_MAX);
			if (a->pcp > VLAN_PCP_MAX)
				return vsw_invalid(err, errlen, "VLAN priority %u out of range 0..%d",
					       a->pcp, VLAN_PCP_MAX);
			break;
		case VSW_ACT_METER:
			/* First only: policing decides before anything is sent
			 * or rewritten, and a second meter cannot be first. */
			if (i != 0)
				return vsw_invalid(err, errlen, "meter must be the first action");
			break;
		default:
			return vsw_invalid(err, errlen, "unknown action type %u", a->type);
		}
	}
	if (has_drop && rule->n_actions != 1)
		return vsw_invalid(err, errlen, "drop must be the only action");
	return 0;
}

/* ------------------------------------------------------------------------ */
/* Subtable hashing, shared by build and lookup                              */

/*
 * Hash the @n words of @k that @st selects (its n_words); the masked words
 * go to @out. Inlined: with a constant @n (subtable_burst()) the loop
 * unrolls and the masked words stay in registers.
 */
static __rte_always_inline uint32_t
masked_hash(const struct subtable *st, const key_word *k, uint32_t *out, uint32_t n)
{
	uint32_t h = HASH_SEED, i;

	for (i = 0; i < n; i++) {
		out[i] = k[st->words[i]] & st->mask[i];
		h = vsw_crc_4byte(out[i], h);
	}
	return h;
}

/*
 * Words of a slot for @n key words. No padding: at 10,000 rules of 3 words
 * the slots take 640 KiB instead of the 1 MiB of 32-byte slots, and the
 * quarter of them that straddle two lines cost less than the larger table
 * (loopback, 10,000 rules x 10,000 flows: 184 cycles a frame against 191).
 */
static __rte_always_inline uint32_t
slot_stride(uint32_t n)
{
	return SLOT_KEY + n;
}

/*
 * Find the entry of masked key @masked (hash @h, @n words: the subtable's
 * n_words) in @st. Returns the slot holding it, or the empty slot where it
 * would go.
 */
static __rte_always_inline const uint32_t *
subtable_find(const struct subtable *st, const uint32_t *masked, uint32_t h, uint32_t n)
{
	const uint32_t stride = slot_stride(n);
	const uint32_t *s;
	uint32_t idx, diff, i;

	/* Load at most 1/2: there is always an empty slot to end the probe. */
	for (idx = h & st->slot_mask;; idx = (idx + 1) & st->slot_mask) {
		s = &st->slots[(size_t)idx * stride];
		if (s[SLOT_RULE] == 0)
			return s;
		if (s[SLOT_HASH] != h)
			continue;
		diff = 0;
		for (i = 0; i < n; i++)
			diff |= s[SLOT_KEY + i] ^ masked[i];
		if (diff == 0)
			return s;
	}
}

/* ------------------------------------------------------------------------ */
/* Build                                                                     */

struct sort_item {
	uint16_t priority;
	uint32_t index;		/* in the caller's array */
};

/* Decreasing priority, then the caller's order: a total, stable order. */
static int
cmp_priority(const void *a, const void *b)
{
	const struct sort_item *x = a, *y = b;

	if (x->priority != y->priority)
		return x->priority > y->priority ? -1 : 1;
	return x->index < y->index ? -1 : 1;
}

static uint32_t
pow2_at_least(uint32_t n)
{
	uint32_t p = 2;

	while (p < n)
		p <<= 1;
	return p;
}

/* Temporary state of one build (malloc'd, freed before returning). */
struct build {
	struct sort_item *order;	/* n: rules by decreasing priority */
	uint32_t *group_of;		/* n: mask group of order[i] */
	uint32_t *group_masks;		/* KEY_WORDS per group */
	uint32_t *group_count;		/* rules per group */
	uint32_t *group_first;		/* position (in order) of a group's best rule */
	uint16_t *last_prio;		/* n: by the position of an entry's best
					 * rule, the priority of the last rule seen
					 * with the entry's match */
	uint32_t *mask_slots;		/* group + 1, or 0 */
	uint32_t n_mask_slots;
	uint32_t n_groups;
};

static void
build_free(struct build *b)
{
	free(b->order);
	free(b->group_of);
	free(b->group_masks);
	free(b->group_count);
	free(b->group_first);
	free(b->last_prio);
	free(b->mask_slots);
}

static int
build_alloc(struct build *b, uint32_t n)
{
	uint32_t n1 = n + 1;	/* malloc(0) may return NULL */

	memset(b, 0, sizeof(*b));
	b->n_mask_slots = pow2_at_least(2 * n1);
	b->order = malloc(sizeof(*b->order) * n1);
	b->group_of = malloc(sizeof(*b->group_of) * n1);
	b->group_masks = malloc(sizeof(*b->group_masks) * KEY_WORDS * n1);
	b->group_count = calloc(n1, sizeof(*b->group_count));
	b->group_first = malloc(sizeof(*b->group_first) * n1);
	b->last_prio = malloc(sizeof(*b->last_prio) * n1);
	b->mask_slots = calloc(b->n_mask_slots, sizeof(*b->mask_slots));
	if (b->order == NULL || b->group_of == NULL || b->group_masks == NULL ||
	    b->group_count == NULL || b->group_first == NULL || b->last_prio == NULL ||
	    b->mask_slots == NULL) {
		build_free(b);
		return -ENOMEM;
	}
	return 0;
}

/* The mask group of @mask, created if new (first seen at position @pos). */
static uint32_t
group_of_mask(struct build *b, const struct vsw_flow_key *mask, uint32_t pos)
{
	const key_word *mw = (const key_word *)mask;
	uint32_t h = HASH_SEED, idx, g, i;

	/* Word by word: the rule array is only 4-byte aligned. */
	for (i = 0; i < KEY_WORDS; i++)
		h = vsw_crc_4byte(mw[i], h);
	idx = h & (b->n_mask_slots - 1);

	while (b->mask_slots[idx] != 0) {
		g = b->mask_slots[idx] - 1;
		if (memcmp(&b->group_masks[g * KEY_WORDS], mask, sizeof(*mask)) == 0)
			return g;
		idx = (idx + 1) & (b->n_mask_slots - 1);
	}
	g = b->n_groups++;
	for (i = 0; i < KEY_WORDS; i++)
		b->group_masks[g * KEY_WORDS + i] = mw[i];
	b->group_first[g] = pos;
	b->mask_slots[idx] = g + 1;
	return g;
}

/* Bytes of the table block: header, subtables, then per subtable its slots
 * (line-aligned), then the rules and their hot parts. */
static size_t
table_size(const struct build *b, uint32_t n, const uint8_t *n_words)
{
	size_t size = RTE_ALIGN_CEIL(sizeof(struct vsw_flow_table), 8);
	uint32_t g;

	size += RTE_ALIGN_CEIL(sizeof(struct subtable) * b->n_groups, 8);
	for (g = 0; g < b->n_groups; g++) {
		size = RTE_ALIGN_CEIL(size, RTE_CACHE_LINE_SIZE);
		size += sizeof(uint32_t) * slot_stride(n_words[g]) *
			pow2_at_least(2 * b->group_count[g]);
	}
	size = RTE_ALIGN_CEIL(size, 8);
	size += sizeof(struct vsw_flow_rule) * n;
	size = RTE_ALIGN_CEIL(size, 8);
	size += sizeof(struct vsw_flow_hot) * n;
	return size;
}

/* Carve the subtables out of @t's block (line-aligned). */
static void
layout(struct vsw_flow_table *t, const struct build *b, uint32_t n)
{
	uint8_t *p = (uint8_t *)t + RTE_ALIGN_CEIL(sizeof(*t), 8);
	uint32_t g, i;

	struct vsw_flow_key in_port_mask;
	uint32_t port_word;

	/* Word 0 with only in_port's bits: whatever the byte order. */
	memset(&in_port_mask, 0, sizeof(in_port_mask));
	in_port_mask.in_port = UINT16_MAX;
	memcpy(&port_word, &in_port_mask, sizeof(port_word));
	t->in_port_only = true;
	for (i = 0; i < b->n_groups * KEY_WORDS; i++)
		if ((b->group_masks[i] & ~(i % KEY_WORDS == 0 ? port_word : 0)) != 0)
			t->in_port_only = false;
	t->n_subtables = b->n_groups;
	t->subtables = (struct subtable *)p;
	p += RTE_ALIGN_CEIL(sizeof(struct subtable) * b->n_groups, 8);
	for (g = 0; g < b->n_groups; g++) {
		struct subtable *st = &t->subtables[g];
		const uint32_t *mask = &b->group_masks[g * KEY_WORDS];
		uint32_t n_slots = pow2_at_least(2 * b->group_count[g]);

		for (i = 0; i < KEY_WORDS; i++) {
			if (mask[i] != 0) {
				st->words[st->n_words] = (uint8_t)i;
				st->mask[st->n_words] = mask[i];
				st->n_words++;
			}
		}
		st->slot_mask = n_slots - 1;
		p = RTE_PTR_ALIGN_CEIL(p, RTE_CACHE_LINE_SIZE);
		st->slots = (uint32_t *)p;
		p += sizeof(uint32_t) * slot_stride(st->n_words) * n_slots;
	}
	p = RTE_PTR_ALIGN_CEIL(p, 8);
	t->rules = (struct vsw_flow_rule *)p;
	p += sizeof(struct vsw_flow_rule) * n;
	p = RTE_PTR_ALIGN_CEIL(p, 8);
	t->hot = (struct vsw_flow_hot *)p;
	t->n_rules = n;
}

/* What the fast path reads of @r to count and run it. */
static void
hot_of(const struct vsw_flow_rule *r, struct vsw_flow_hot *h)
{
	memset(h, 0, sizeof(*h));
	h->id = r->id;
	h->kind = VSW_FLOW_RUN;
	if (r->n_actions == 1 && r->actions[0].type == VSW_ACT_NORMAL) {
		h->kind = VSW_FLOW_NORMAL;
	} else if (r->n_actions == 1 && r->actions[0].type == VSW_ACT_OUTPUT) {
		h->kind = VSW_FLOW_OUTPUT;
		h->port = r->actions[0].port;
	}
}

/* Insert rule @pos (in priority order) into its subtable. 0 or -EEXIST. */
static int
insert_rule(struct vsw_flow_table *t, struct build *b, uint32_t pos)
{
	const struct vsw_flow_rule *r = &t->rules[pos];
	struct subtable *st = &t->subtables[b->group_of[pos]];
	uint32_t masked[KEY_WORDS];
	uint32_t *s;
	uint32_t h, e;

	h = masked_hash(st, (const key_word *)&r->match.key, masked, st->n_words);
	s = (uint32_t *)(uintptr_t)subtable_find(st, masked, h, st->n_words);
	if (s[SLOT_RULE] != 0) {
		/* Same match as a rule of higher or equal priority (rules come
		 * by decreasing priority): equal means a duplicate. */
		e = s[SLOT_RULE] - 1;
		if (b->last_prio[e] == r->priority)
			return -EEXIST;
		b->last_prio[e] = r->priority;
		return 0;
	}
	s[SLOT_HASH] = h;
	s[SLOT_RULE] = pos + 1;
	memcpy(&s[SLOT_KEY], masked, sizeof(uint32_t) * st->n_words);
	b->last_prio[pos] = r->priority;
	return 0;
}

struct vsw_flow_table *
vsw_flow_table_build(const struct vsw_flow_rule *rules, uint32_t n, int socket)
{
	uint64_t ids[VSW_FLOW_MAX_RULES / 64];
	struct vsw_flow_table *t = NULL;
	uint8_t *n_words = NULL;
	struct build b;
	size_t size;
	uint32_t i, g;
	int err;

	if ((rules == NULL && n != 0) || n > VSW_FLOW_MAX_RULES) {
		errno = EINVAL;
		return NULL;
	}
	memset(ids, 0, sizeof(ids));
	for (i = 0; i < n; i++) {
		if (vsw_flow_rule_validate(&rules[i], NULL, 0) != 0 ||
		    (ids[rules[i].id / 64] >> (rules[i].id % 64)) & 1) {
			errno = EINVAL;
			return NULL;
		}
		ids[rules[i].id / 64] |= UINT64_C(1) << (rules[i].id % 64);
	}
	if (build_alloc(&b, n) != 0) {
		errno = ENOMEM;
		return NULL;
	}

	for (i = 0; i < n; i++) {
		b.order[i].priority = rules[i].priority;
		b.order[i].index = i;
	}
	qsort(b.order, n, sizeof(*b.order), cmp_priority);
	/* Groups are created in priority order, so group g's best rule comes
	 * before group g+1's: the subtables are sorted as they are made. */
	for (i = 0; i < n; i++) {
		g = group_of_mask(&b, &rules[b.order[i].index].match.mask, i);
		b.group_of[i] = g;
		b.group_count[g]++;
	}
	n_words = calloc(b.n_groups + 1, 1);
	if (n_words == NULL) {
		err = ENOMEM;
		goto out_free_build;
	}
	for (g = 0; g < b.n_groups; g++)
		for (i = 0; i < KEY_WORDS; i++)
			n_words[g] += b.group_masks[g * KEY_WORDS + i] != 0;

	size = table_size(&b, n, n_words);
	t = rte_zmalloc_socket("vsw_flow_table", size, RTE_CACHE_LINE_SIZE, socket);
	if (t == NULL && socket != SOCKET_ID_ANY)
		t = rte_zmalloc("vsw_flow_table", size, RTE_CACHE_LINE_SIZE);
	if (t == NULL) {
		err = ENOMEM;
		goto out_free_build;
	}
	layout(t, &b, n);
	for (i = 0; i < n; i++) {
		t->rules[i] = rules[b.order[i].index];
		hot_of(&t->rules[i], &t->hot[i]);
	}
	for (g = 0; g < b.n_groups; g++)
		t->subtables[g].first = &t->rules[b.group_first[g]];
	for (i = 0; i < n; i++) {
		if (insert_rule(t, &b, i) != 0) {
			err = EEXIST;
			goto out_free_table;
		}
	}
	t->generation = __atomic_add_fetch(&generation_counter, 1, __ATOMIC_RELAXED);
	free(n_words);
	build_free(&b);
	return t;

out_free_table:
	rte_free(t);
	t = NULL;
out_free_build:
	free(n_words);
	build_free(&b);
	errno = err;
	return NULL;
}

void
vsw_flow_table_free(struct vsw_flow_table *table)
{
	rte_free(table);
}

uint32_t
vsw_flow_table_size(const struct vsw_flow_table *table)
{
	return table != NULL ? table->n_rules : 0;
}

bool
vsw_flow_table_in_port_only(const struct vsw_flow_table *table)
{
	return table != NULL && table->in_port_only;
}

uint32_t
vsw_flow_table_n_subtables(const struct vsw_flow_table *table)
{
	return table != NULL ? table->n_subtables : 0;
}

const struct vsw_flow_rule *
vsw_flow_table_rule(const struct vsw_flow_table *table, uint32_t i)
{
	if (table == NULL || i >= table->n_rules)
		return NULL;
	return &table->rules[i];
}

const struct vsw_flow_hot *
vsw_flow_table_hot(const struct vsw_flow_table *table)
{
	return table != NULL ? table->hot : NULL;
}

uint64_t
vsw_flow_table_generation(const struct vsw_flow_table *table)
{
	return table != NULL ? table->generation : 0;
}

/* ------------------------------------------------------------------------ */
/* Lookup (fast path)                                                        */

/*
 * The rules sit by decreasing priority, a tie in their order: a rule beats
 * another when it sits before it, which addresses tell without reading
 * either rule. Below, a key's best rule so far is kept as its address - 1
 * (rank()): "none" is then UINTPTR_MAX, worse than any rule, and each
 * "none or worse" test is one compare.
 */
static inline uintptr_t
rank(const struct vsw_flow_rule *r)
{
	return (uintptr_t)r - 1;
}

/*
 * Probe @st, whose n_words is @n, for the @n_keys keys @keys, keeping in
 * best[j] the better of the rule found and the one there; a key whose rule
 * sits before st->first skips it (no rule of @st can beat that rule).
 * Returns the worst rank() of the rules kept. Inlined per constant @n, on a
 * copy of @st that no store through @best can change: its mask, slots and
 * rules stay in registers or on the stack for the whole burst.
 */
static __rte_always_inline uintptr_t
subtable_burst(const struct vsw_flow_rule *rules, const struct subtable *st,
	       const struct vsw_flow_key *const *keys, uint32_t n_keys,
	       const struct vsw_flow_rule **best, uint32_t n)
{
	const struct subtable sub = *st;
	const uintptr_t first = rank(sub.first) + 1;
	uint32_t masked[KEY_WORDS];
	uintptr_t worst = 0, b;
	const uint32_t *s;
	uint32_t j;

	for (j = 0; j < n_keys; j++) {
		b = rank(best[j]);
		/* None yet, or one after the subtable's first. */
		if (b >= first) {
			s = subtable_find(&sub, masked,
					  masked_hash(&sub, (const key_word *)keys[j], masked, n), n);
			if (s[SLOT_RULE] != 0 && rank(&rules[s[SLOT_RULE] - 1]) < b) {
				best[j] = &rules[s[SLOT_RULE] - 1];
				b = rank(best[j]);
			}
		}
		worst = RTE_MAX(worst, b);
	}
	return worst;
}

void
vsw_flow_table_lookup_burst(const struct vsw_flow_table *table,
			    const struct vsw_flow_key *const *keys, uint32_t n,
			    const struct vsw_flow_rule **rules)
{
	const struct subtable *st;
	uintptr_t worst = UINTPTR_MAX;
	uint32_t i, j;

	for (j = 0; j < n; j++)
		rules[j] = NULL;
	/* Subtable by subtable, as OVS's dpcls. Subtables sit by their first
	 * rule: once every key's rule sits before the next one's first, it
	 * sits before every further one's too, and the search is over. */
	for (i = 0; i < table->n_subtables && worst >= rank(table->subtables[i].first); i++) {
		st = &table->subtables[i];
		/* One case per usual word count, the same call in each: each
		 * inlines subtable_burst() with a constant n, so that its
		 * mask and hash loops unroll (the default loops at run time). */
		switch (st->n_words) {
		case 1:
			worst = subtable_burst(table->rules, st, keys, n, rules, 1);
			break;
		case 2:
			worst = subtable_burst(table->rules, st, keys, n, rules, 2);
			break;
		case 3:
			worst = subtable_burst(table->rules, st, keys, n, rules, 3);
			break;
		case 4:
			worst = subtable_burst(table->rules, st, keys, n, rules, 4);
			break;
		case 5:
			worst = subtable_burst(table->rules, st, keys, n, rules, 5);
			break;
		default:
			worst = subtable_burst(table->rules, st, keys, n, rules, st->n_words);
			break;
		}
	}
}

const struct vsw_flow_rule *
vsw_flow_table_lookup(const struct vsw_flow_table *table, const struct vsw_flow_key *key)
{
	const struct vsw_flow_rule *r;

	vsw_flow_table_lookup_burst(table, &key, 1, &r);
	return r;
}

/* ------------------------------------------------------------------------ */
/* Key extraction (fast path)                                                */

/* Ports, or ICMP type/code, of the L4 header at @off. */
static void
extract_l4(const struct rte_mbuf *m, uint32_t off, uint8_t icmp_proto, struct vsw_flow_key *key)
{
	uint8_t buf[4];
	const uint8_t *p;

	if (key->nw_proto == IPPROTO_TCP_ || key->nw_proto == IPPROTO_UDP_ ||
	    key->nw_proto == IPPROTO_SCTP_) {
		p = rte_pktmbuf_read(m, off, 4, buf);
		if (likely(p != NULL)) {
			key->tp_src = (uint16_t)(p[0] << 8 | p[1]);
			key->tp_dst = (uint16_t)(p[2] << 8 | p[3]);
		}
	} else if (key->nw_proto == icmp_proto) {
		p = rte_pktmbuf_read(m, off, 2, buf);
		if (likely(p != NULL)) {
			key->tp_src = p[0];
			key->tp_dst = p[1];
		}
	}
}

static void
extract_ipv4(const struct rte_mbuf *m, uint32_t off, struct vsw_flow_key *key)
{
	struct rte_ipv4_hdr buf;
	const struct rte_ipv4_hdr *ip;
	uint32_t ihl;

	ip = rte_pktmbuf_read(m, off, sizeof(buf), &buf);
	if (unlikely(ip == NULL || (ip->version_ihl >> 4) != 4))
		return;
	ihl = (uint32_t)(ip->version_ihl & RTE_IPV4_HDR_IHL_MASK) * RTE_IPV4_IHL_MULTIPLIER;
	if (unlikely(ihl < sizeof(buf)))
		return;
	key->nw_proto = ip->next_proto_id;
	key->nw_src = ip->src_addr;
	key->nw_dst = ip->dst_addr;
	/* A non-first fragment carries no L4 header. */
	if (unlikely((ip->fragment_offset & rte_cpu_to_be_16(RTE_IPV4_HDR_OFFSET_MASK)) != 0))
		return;
	extract_l4(m, off + ihl, IPPROTO_ICMP_, key);
}

static void
extract_ipv6(const struct rte_mbuf *m, uint32_t off, struct vsw_flow_key *key)
{
	struct rte_ipv6_hdr buf;
	const struct rte_ipv6_hdr *ip;

	ip = rte_pktmbuf_read(m, off, sizeof(buf), &buf);
	if (unlikely(ip == NULL || (rte_be_to_cpu_32(ip->vtc_flow) >> 28) != 6))
		return;
	key->nw_proto = ip->proto;
	memcpy(key->ipv6_src, ip->src_addr, sizeof(key->ipv6_src));
	memcpy(key->ipv6_dst, ip->dst_addr, sizeof(key->ipv6_dst));
	/* Extension headers are not walked: their next header is nw_proto. */
	extract_l4(m, off + (uint32_t)sizeof(buf), IPPROTO_ICMPV6_, key);
}

/* Offsets in an Ethernet/IPv4 ARP header (read as bytes: it may sit at any
 * address, and struct rte_arp_hdr wants 2-byte alignment). */
#define ARP_OP 6
#define ARP_SPA 14
#define ARP_TPA 24

static void
extract_arp(const struct rte_mbuf *m, uint32_t off, struct vsw_flow_key *key)
{
	uint8_t buf[sizeof(struct rte_arp_hdr)];
	const uint8_t *p;

	p = rte_pktmbuf_read(m, off, sizeof(buf), buf);
	if (unlikely(p == NULL) ||
	    p[0] != 0 || p[1] != RTE_ARP_HRD_ETHER ||
	    p[2] != (RTE_ETHER_TYPE_IPV4 >> 8) || p[3] != (RTE_ETHER_TYPE_IPV4 & 0xff) ||
	    p[4] != RTE_ETHER_ADDR_LEN || p[5] != sizeof(uint32_t))
		return;
	/* As OVS: the opcode in nw_proto when it fits, SPA/TPA as addresses. */
	if (p[ARP_OP] == 0)
		key->nw_proto = p[ARP_OP + 1];
	memcpy(&key->nw_src, p + ARP_SPA, sizeof(key->nw_src));
	memcpy(&key->nw_dst, p + ARP_TPA, sizeof(key->nw_dst));
}

int
vsw_flow_key_extract(const struct rte_mbuf *m, uint16_t in_port, struct vsw_flow_key *key)
{
	struct rte_ether_hdr ebuf;
	struct rte_vlan_hdr vbuf;
	const struct rte_ether_hdr *eh;
	const struct rte_vlan_hdr *vh;
	uint32_t off = sizeof(ebuf);
	uint16_t type;

	memset(key, 0, sizeof(*key));
	key->in_port = in_port;
	eh = rte_pktmbuf_read(m, 0, sizeof(ebuf), &ebuf);
	if (unlikely(eh == NULL))
		return -EINVAL;
	key->dl_dst = eh->dst_addr;
	key->dl_src = eh->src_addr;
	type = eh->ether_type;
	if (type == rte_cpu_to_be_16(RTE_ETHER_TYPE_VLAN)) {
		vh = rte_pktmbuf_read(m, off, sizeof(vbuf), &vbuf);
		if (unlikely(vh == NULL))
			return -EINVAL;
		/* The DEI bit's place carries "tag present", as OVS's CFI. */
		key->vlan_tci = (uint16_t)(rte_be_to_cpu_16(vh->vlan_tci) | VSW_VLAN_PRESENT);
		type = vh->eth_proto;
		off += sizeof(vbuf);
	}
	key->dl_type = rte_be_to_cpu_16(type);
	switch (key->dl_type) {
	case RTE_ETHER_TYPE_IPV4:
		extract_ipv4(m, off, key);
		break;
	case RTE_ETHER_TYPE_IPV6:
		extract_ipv6(m, off, key);
		break;
	case RTE_ETHER_TYPE_ARP:
		extract_arp(m, off, key);
		break;
	default:
		break;
	}
	return 0;
}
