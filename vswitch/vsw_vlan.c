/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vsw_vlan.c: VLAN configuration helpers (init, trunk list, validation,
 * mode names) and the names of the drop reasons. Control-thread code; the
 * fast path reads struct vsw_vlan_cfg directly (vsw_fwd.c).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "vsw.h"
#include "vsw_priv.h"

#define VLAN_VID_MAX 4095

static const char *const mode_names[] = {
	[VSW_VLAN_TRUNK] = "trunk",
	[VSW_VLAN_ACCESS] = "access",
	[VSW_VLAN_NATIVE_UNTAGGED] = "native-untagged",
	[VSW_VLAN_NATIVE_TAGGED] = "native-tagged",
};

static const char *const drop_names[] = {
#define VSW_DROP_NAME(sym, name) [VSW_DROP_##sym] = name,
	VSW_FOREACH_DROP(VSW_DROP_NAME)
#undef VSW_DROP_NAME
};

void
vsw_vlan_cfg_init(struct vsw_vlan_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->mode = VSW_VLAN_TRUNK;
	cfg->trunks_all = true;
}

void
vsw_vlan_cfg_allow(struct vsw_vlan_cfg *cfg, uint16_t vid)
{
	if (vid > VLAN_VID_MAX)
		return;
	cfg->trunks_all = false;
	cfg->trunks[vid / 64] |= UINT64_C(1) << (vid % 64);
}

static bool
trunks_empty(const struct vsw_vlan_cfg *cfg)
{
	size_t i;

	for (i = 0; i < RTE_DIM(cfg->trunks); i++) {
		if (cfg->trunks[i] != 0)
			return false;
	}
	return true;
}

int
vsw_invalid(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL && errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

int
vsw_vlan_cfg_validate(const struct vsw_vlan_cfg *cfg, char *err, size_t errlen)
{
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (cfg == NULL)
		return vsw_invalid(err, errlen, "no vlan configuration");

	switch (cfg->mode) {
	case VSW_VLAN_TRUNK:
		if (cfg->tag != 0)
			return vsw_invalid(err, errlen, "trunk port must not have a tag");
		return 0;
	case VSW_VLAN_ACCESS:
		if (cfg->tag < 1 || cfg->tag > VLAN_VID_MAX)
			return vsw_invalid(err, errlen, "access port needs tag 1..4095");
		if (!cfg->trunks_all && !trunks_empty(cfg))
			return vsw_invalid(err, errlen, "trunks are not allowed in access mode");
		return 0;
	case VSW_VLAN_NATIVE_UNTAGGED:
	case VSW_VLAN_NATIVE_TAGGED:
		if (cfg->tag < 1 || cfg->tag > VLAN_VID_MAX)
			return vsw_invalid(err, errlen, "native port needs tag 1..4095");
		return 0;
	}
	return vsw_invalid(err, errlen, "unknown vlan mode");
}

const char *
vsw_vlan_mode_name(enum vsw_vlan_mode mode)
{
	if ((unsigned int)mode >= RTE_DIM(mode_names))
		return "unknown";
	return mode_names[mode];
}

int
vsw_vlan_mode_parse(const char *name, enum vsw_vlan_mode *mode)
{
	size_t i;

	if (name == NULL || mode == NULL)
		return -EINVAL;
	for (i = 0; i < RTE_DIM(mode_names); i++) {
		if (strcmp(name, mode_names[i]) == 0) {
			*mode = (enum vsw_vlan_mode)i;
			return 0;
		}
	}
	return -EINVAL;
}

const char *
vsw_drop_name(enum vsw_drop drop)
{
	if ((unsigned int)drop >= RTE_DIM(drop_names))
		return "unknown";
	return drop_names[drop];
}
