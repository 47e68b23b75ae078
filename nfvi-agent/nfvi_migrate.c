/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * nfvi_migrate.c: live migration of a VNF from one agent's host to another's.
 *
 * Target side (the REST calls in nfvi.h):
 *   prepare: the create path (validate, place, journal "allocating", port.add
 *            per vhost-user NIC, VFs) without define/start -> journal
 *            "incoming" -> answer the domain XML for this host
 *   finish:  the domain runs here with the record's id -> journal "allocated"
 *   abort:   the undo of a delete; refused while the domain runs here
 *   restart: an "incoming" record whose domain runs here is adopted; one
 *            whose domain is paused (libvirt's incoming side, the migration
 *            in flight) or that cannot be checked (libvirt down) is kept;
 *            any other is rolled back
 *
 * Source side (the migrate action with "target_agent"): prepare on the
 * target agent over HTTP (ctl_agent_request, unix or TCP), then
 * virDomainMigrateToURI3 with the XML it answered, then finish on the
 * target, or abort it when the guest is still here. The caller releases
 * the source's ports, VFs and allocation. The switch ports on the target
 * exist before QEMU there opens its vhost-user server sockets.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "nfvi_priv.h"

/* One request to the target agent: connect, send, its answer (a prepare or an undo). */
#define PEER_TIMEOUT_MS 60000
#define TARGET_MAX 512
#define TOKEN_MIN 8
#define TOKEN_MAX 256

static bool
uuid_valid(const char *s)
{
	size_t i;

	if (strlen(s) != NFVI_UUID_SIZE - 1)
		return false;
	for (i = 0; s[i] != '\0'; i++)
		if (i == 8 || i == 13 || i == 18 || i == 23 ? s[i] != '-' :
		    !isxdigit((unsigned char)s[i]))
			return false;
	return true;
}

/* ---------------------------------------------------------------------- */
/* Target side                                                            */

int
nfvi_agent_migration_prepare(struct nfvi_agent *a, const json_t *body, json_t **result,
			     char *err, size_t errlen)
{
	const json_t *desc = json_object_get(body, "descriptor");
	const json_t *acc = json_object_get(body, "accel");
	const char *id = json_string_value(json_object_get(body, "id")), *accel, *key;
	struct nfvi_vnf_desc d;
	struct nfvi_placement pl;
	json_t *rec, *v;
	char *xml;
	int ret;

	*result = NULL;
	if (a->hv_ops == NULL)
		return nfvi_seterr(-ENOTSUP, err, errlen,
				   "migrations need a hypervisor (vm_backend is none)");
	if (!json_is_object(body))
		return nfvi_seterr(-EINVAL, err, errlen, "the body must be a JSON object");
	json_object_foreach((json_t *)body, key, v) {
		(void)v;
		if (strcmp(key, "descriptor") != 0 && strcmp(key, "id") != 0 &&
		    strcmp(key, "accel") != 0)
			return nfvi_seterr(-EINVAL, err, errlen, "unknown key '%.64s'", key);
	}
	if (!json_is_object(desc))
		return nfvi_seterr(-EINVAL, err, errlen,
				   "'descriptor' (the VNF's descriptor on the source) is required");
	if (id == NULL || !uuid_valid(id))
		return nfvi_seterr(-EINVAL, err, errlen,
				   "'id' (the domain's UUID on the source) is required");
	accel = json_string_value(acc);
	if (acc != NULL && (accel == NULL || (strcmp(accel, "kvm") != 0 &&
					      strcmp(accel, "tcg") != 0)))
		return nfvi_seterr(-EINVAL, err, errlen, "'accel' must be kvm or tcg");

	ret = nfvi_agent_admit(a, desc, id, accel, false, &rec, &d, &pl, err, errlen);
	if (ret < 0)
		return ret;
	xml = nfvi_lc_domain_xml(a, rec, &d, &pl, err, errlen);
	ret = xml != NULL ? 0 : -errno;
	if (ret == 0) {
		json_object_set_new(rec, "step", json_string("incoming"));
		ret = nfvi_agent_put_state(a, rec, "incoming");
		if (ret < 0)
			nfvi_seterr(ret, err, errlen, "journal: %s", strerror(-ret));
	}
	if (ret < 0) {
		nfvi_agent_rollback(a, rec, &pl, err);
		free(xml);
		json_decref(rec);
		return ret;
	}
	nfvi_agent_crash_point(a, "migrate: journaled incoming");
	NFVI_LOG(LOG_INFO, "VNF '%s' prepared for an incoming migration on node %d", d.name,
		 pl.node);
	*result = json_pack("{s:o, s:s}", "vnf", rec, "dest_xml", xml);
	free(xml);
	return *result != NULL ? 0 : nfvi_seterr(-ENOMEM, err, errlen, "out of memory");
}

/* The record @p name when it is an incoming migration (borrowed). */
static int
incoming_record(struct nfvi_agent *a, const char *name, json_t **rec, char *err, size_t errlen)
{
	if (a->hv_ops == NULL)
		return nfvi_seterr(-ENOTSUP, err, errlen,
				   "migrations need a hypervisor (vm_backend is none)");
	if (!nfvi_name_valid(name))
		return nfvi_seterr(-EINVAL, err, errlen, "bad VNF name");
	*rec = json_object_get(a->vnfs, name);
	if (*rec == NULL)
		return nfvi_seterr(-ENOENT, err, errlen, "no incoming migration of VNF '%s'", name);
	if (strcmp(nfvi_jstr(*rec, "state"), "incoming") != 0)
		return nfvi_seterr(-EBUSY, err, errlen, "VNF '%s' is %s, not an incoming migration",
				   name, nfvi_jstr(*rec, "state"));
	return 0;
}

/*
 * Where the incoming guest is: 0 when the record's domain runs here with the
 * record's id in its edgeplane metadata; -EINPROGRESS when it is here but
 * paused (the migration still in flight); -ENOENT when it is absent, another
 * VNF's, or in another state; -EIO when libvirt does not answer.
 */
static int
incoming_domain(struct nfvi_agent *a, const json_t *rec, char *err, size_t errlen)
{
	const char *dom = nfvi_jstr(rec, "domain"), *id = nfvi_jstr(rec, "id");
	char state[32], why[256];
	json_t *doms = NULL, *x;
	bool ours = false;
	size_t i;
	int ret;

	ret = a->hv_ops->state(a->hv_ctx, dom, state, sizeof(state));
	if (ret == -ENOENT)
		return nfvi_seterr(-ENOENT, err, errlen,
				   "domain %s is not defined here: the migration has not completed",
				   dom);
	if (ret < 0 || a->hv_ops->list(a->hv_ctx, &doms, why, sizeof(why)) < 0)
		return nfvi_seterr(-EIO, err, errlen, "libvirt does not answer: domain %s not "
				   "checked", dom);
	json_array_foreach(doms, i, x)
		ours |= strcmp(nfvi_jstr(x, "domain"), dom) == 0 &&
			strcmp(nfvi_jstr(x, "id"), id) == 0;
	json_decref(doms);
	if (!ours)
		return nfvi_seterr(-ENOENT, err, errlen,
				   "domain %s here is not VNF '%s' with id %s (edgeplane metadata)",
				   dom, nfvi_jstr(rec, "name"), id);
	if (strcmp(state, "paused") == 0)
		return nfvi_seterr(-EINPROGRESS, err, errlen, "domain %s is paused: the migration "
				   "is still in flight", dom);
	if (strcmp(state, "running") != 0)
		return nfvi_seterr(-ENOENT, err, errlen, "domain %s is %s, not running", dom,
				   state);
	return 0;
}

/*
 * The incoming record @p name (*rec, NULL when there is none: the error is
 * then the lookup's) and what incoming_domain() says of its domain.
 */
static int
incoming_check(struct nfvi_agent *a, const char *name, json_t **rec, char *err, size_t errlen)
{
	int ret;

	*rec = NULL;
	ret = incoming_record(a, name, rec, err, errlen);
	if (ret < 0) {
		*rec = NULL;
		return ret;
	}
	return incoming_domain(a, *rec, err, errlen);
}

/* The guest arrived: the record becomes a running VNF. */
static int
adopt(struct nfvi_agent *a, json_t *rec, char *err, size_t errlen)
{
	int ret;

	json_object_set_new(rec, "step", json_string("done"));
	json_object_set_new(rec, "desired", json_string("running"));
	ret = nfvi_agent_put_state(a, rec, "allocated");
	if (ret < 0) {
		json_object_set_new(rec, "step", json_string("incoming"));
		json_object_set_new(rec, "state", json_string("incoming"));
		return nfvi_seterr(ret, err, errlen, "journal: %s", strerror(-ret));
	}
	nfvi_agent_crash_point(a, "migrate: journaled allocated");
	NFVI_LOG(LOG_INFO, "VNF '%s': incoming migration finished", nfvi_jstr(rec, "name"));
	return 0;
}

int
nfvi_agent_migration_finish(struct nfvi_agent *a, const char *name, json_t **result, char *err,
			    size_t errlen)
{
	json_t *rec = NULL;
	int ret;

	*result = NULL;
	ret = incoming_check(a, name, &rec, err, errlen);
	if (rec == NULL)
		return ret;
	if (ret == -ENOENT || ret == -EINPROGRESS)
		return -EAGAIN;
	if (ret == 0)
		ret = adopt(a, rec, err, errlen);
	if (ret == 0)
		*result = nfvi_lc_live(a, rec);
	return ret;
}

int
nfvi_agent_migration_abort(struct nfvi_agent *a, const char *name, char *err, size_t errlen)
{
	json_t *rec = NULL;
	int ret;

	ret = incoming_check(a, name, &rec, err, errlen);
	if (rec == NULL)
		return ret;
	if (ret == 0)
		return nfvi_seterr(-EALREADY, err, errlen,
				   "domain %s runs here: the migration completed (finish adopts "
				   "it, DELETE /v1/vnfs/%s removes it)", nfvi_jstr(rec, "domain"),
				   name);
	if (ret == -EIO)
		return ret;
	NFVI_LOG(LOG_NOTICE, "VNF '%s': incoming migration aborted", name);
	return nfvi_agent_vnf_delete(a, name, err, errlen);
}

const char *
nfvi_mig_recover(struct nfvi_agent *a, json_t *rec)
{
	const char *name = nfvi_jstr(rec, "name");
	char why[256];
	int ret = incoming_domain(a, rec, why, sizeof(why));

	if (ret == 0 && adopt(a, rec, why, sizeof(why)) == 0) {
		NFVI_LOG(LOG_NOTICE, "recovery: VNF '%s' was incoming and its domain runs here: "
			 "adopted", name);
		return "allocated";
	}
	if (ret == 0 || ret == -EINPROGRESS || ret == -EIO) {
		NFVI_LOG(LOG_NOTICE, "recovery: VNF '%s' kept incoming: %s", name, why);
		return "incoming";
	}
	NFVI_LOG(LOG_NOTICE, "recovery: VNF '%s' was incoming: %s", name, why);
	return "releasing";
}

/* ---------------------------------------------------------------------- */
/* Source side                                                            */

/* The target agent's address and token, checked before any of them is used. */
static int
target_check(const json_t *target, const json_t *token, char *err, size_t errlen)
{
	const char *t = json_string_value(target), *k = json_string_value(token), *port;
	char host[256];
	size_t i;

	if (t == NULL || strlen(t) > TARGET_MAX ||
	    !((strncmp(t, "unix:", 5) == 0 && t[5] != '\0' &&
	       strlen(t + 5) <= NFVI_SOCK_PATH_MAX) ||
	      (strncmp(t, "tcp:", 4) == 0 &&
	       ctl_hostport_split(t + 4, host, sizeof(host), &port) == 0)))
		return nfvi_seterr(-EINVAL, err, errlen,
				   "'target_agent' must be the target agent's listener, unix:PATH "
				   "or tcp:HOST:PORT");
	if (token == NULL)
		return 0;
	if (k == NULL || strlen(k) < TOKEN_MIN || strlen(k) > TOKEN_MAX)
		return nfvi_seterr(-EINVAL, err, errlen,
				   "'target_token' must be a string of %d..%d characters",
				   TOKEN_MIN, TOKEN_MAX);
	for (i = 0; k[i] != '\0'; i++)
		if ((unsigned char)k[i] <= ' ' || (unsigned char)k[i] > '~')
			return nfvi_seterr(-EINVAL, err, errlen,
					   "'target_token' must be printable, without spaces");
	return 0;
}

/*
 * @p method @p url with @p body (stolen; NULL for none) to the target agent.
 * Its refusal becomes this agent's -errno (invalid, exists, insufficient
 * resources, busy keep their meaning; anything else is -EIO) with its message.
 */
static int
peer_call(const char *target, const char *token, const char *method, const char *url,
	  json_t *body, json_t **out, char *err, size_t errlen)
{
	static const struct {
		const char *code;
		int ret;
	} codes[] = {
		{ "invalid", -EINVAL }, { "malformed", -EINVAL }, { "exists", -EEXIST },
		{ "insufficient_resources", -ENOSPC }, { "busy", -EBUSY },
	};
	char *text = NULL, why[512];
	json_t *res = NULL;
	const char *code;
	int status, ret;
	size_t i;

	if (body != NULL) {
		text = json_dumps(body, JSON_COMPACT);
		json_decref(body);
		if (text == NULL)
			return nfvi_seterr(-ENOMEM, err, errlen, "out of memory");
	}
	ret = ctl_agent_request(target, token, method, url, text, PEER_TIMEOUT_MS, &status, &res,
				why, sizeof(why));
	free(text);
	if (ret == 0) {
		if (out != NULL)
			*out = res;
		else
			json_decref(res);
		return 0;
	}
	code = json_string_value(json_object_get(json_object_get(res, "error"), "code"));
	ret = -EIO;
	for (i = 0; code != NULL && i < sizeof(codes) / sizeof(codes[0]); i++)
		if (strcmp(code, codes[i].code) == 0)
			ret = codes[i].ret;
	json_decref(res);
	return nfvi_seterr(ret, err, errlen, "target agent %s: %s %s: %s", target, method, url,
			   why);
}

int
nfvi_mig_via_agent(struct nfvi_agent *a, json_t *rec, const char *uri, const char *migrate_uri,
		   const json_t *target_j, const json_t *token_j, json_t **result, char *err,
		   size_t errlen)
{
	const char *target = json_string_value(target_j), *token = json_string_value(token_j);
	const char *name = nfvi_jstr(rec, "name"), *dom = nfvi_jstr(rec, "domain"), *xml;
	char url[NFVI_NAME_MAX + 32], why[512], state[32];
	json_t *prep = NULL;
	size_t n;
	int ret;

	ret = target_check(target_j, token_j, err, errlen);
	if (ret < 0)
		return ret;
	ret = peer_call(target, token, "POST", "/v1/migrations",
			json_pack("{s:O, s:s, s:s}", "descriptor",
				  json_object_get(rec, "descriptor"), "id", nfvi_jstr(rec, "id"),
				  "accel", nfvi_jstr(rec, "accel")), &prep, err, errlen);
	if (ret < 0)
		return ret;
	snprintf(url, sizeof(url), "/v1/migrations/%s", name);
	xml = json_string_value(json_object_get(prep, "dest_xml"));
	if (xml == NULL)
		ret = nfvi_seterr(-EIO, err, errlen, "target agent %s answered no dest_xml",
				  target);
	else
		ret = a->hv_ops->migrate(a->hv_ctx, dom, uri, migrate_uri, xml, err, errlen);
	if (ret < 0 && (xml == NULL ||
			a->hv_ops->state(a->hv_ctx, dom, state, sizeof(state)) != -ENOENT)) {
		/* the guest is still here: give the target its resources back */
		if (peer_call(target, token, "DELETE", url, NULL, NULL, why, sizeof(why)) < 0) {
			NFVI_LOG(LOG_ERR, "VNF '%s': migration failed, and so did the abort: %s",
				 name, why);
			n = err != NULL ? strlen(err) : errlen;
			if (n + 1 < errlen)
				snprintf(err + n, errlen - n, "; and the abort on the target: %s",
					 why);
		}
		json_decref(prep);
		return ret;
	}
	if (ret < 0)
		NFVI_LOG(LOG_WARNING, "VNF '%s': libvirt says %s, but the domain left this host: "
			 "finishing on the target", name, err);
	strcat(url, "/finish");
	ret = peer_call(target, token, "POST", url, json_object(), NULL, why, sizeof(why));
	if (ret < 0)
		NFVI_LOG(LOG_ERR, "VNF '%s': migrated, but the finish on the target failed: %s",
			 name, why);
	*result = json_pack("{s:s, s:s, s:s, s:s}", "migrated_to", uri, "target_agent", target,
			    "target", ret == 0 ? "finished" : why, "source",
			    "released (DELETE follows)");
	json_decref(prep);
	return 0;
}
