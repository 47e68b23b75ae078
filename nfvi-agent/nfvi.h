/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * nfvi.h: the public interface of the NFVi agent library (nfvi-agent/).
 *
 * edgeplane-agent is what an orchestrator talks to on an edge host. This
 * library holds everything but main(): the host inventory read from a sysfs
 * tree, the VNF descriptor parser, the NUMA-aware allocator, the crash-safe
 * journal, the VF configuration provider table (netlink + sysfs, and a
 * fake), the agent core that ties them together, and the REST server.
 * It does not link DPDK.
 *
 * Thread-safety: a struct nfvi_agent and everything it owns is used by one
 * thread at a time (the agent's event loop). The parsing helpers keep no
 * shared state and may be called from any thread.
 *
 * Errors: int functions return 0 or -errno; constructors return NULL with
 * errno set; functions taking `err`/`errlen` also write a one-line reason
 * (no trailing newline) into it on failure. The errno values carry meaning
 * for the REST layer:
 *   -EINVAL  the request is malformed or invalid          -> 400 "invalid"
 *   -ENOENT  no such VNF                                   -> 404 "not_found"
 *   -EEXIST  a VNF with that name exists                   -> 409 "exists"
 *   -ENOSPC  not enough free resources on any NUMA node    -> 409 "insufficient_resources"
 *   -EBUSY   the VNF is mid-operation (allocating, releasing) -> 409 "busy"
 *   -ENOTSUP the action needs a hypervisor (vm_backend none) -> 501 "not_implemented"
 *   -EAGAIN  an incoming migration has not completed (no running domain)
 *                                                          -> 409 "not_migrated"
 *   -EALREADY an incoming migration completed (the domain runs here) -> 409 "migrated"
 *   other    the agent failed (I/O, netlink, ...)          -> 500 "internal"
 */
#ifndef NFVI_H
#define NFVI_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

/** Highest CPU number + 1 the agent handles. */
#define NFVI_MAX_CPUS 1024
/** Highest NUMA node id + 1 the agent handles. */
#define NFVI_MAX_NODES 64
/** Longest VNF name, without the NUL; names are [a-z0-9-], not starting with '-'. */
#define NFVI_NAME_MAX 63
/** Most vCPUs of one VNF. */
#define NFVI_MAX_VCPUS 256
/** memory_mb range of one VNF. */
#define NFVI_MIN_MEMORY_MB 64
#define NFVI_MAX_MEMORY_MB (4 * 1024 * 1024)
/** Most NICs of one VNF. */
#define NFVI_MAX_NICS 16
/** Largest accepted REST request body. */
#define NFVI_MAX_BODY_SIZE (64 * 1024)
/** Larger bodies than this are answered 413 before they are read (the connection closes). */
#define NFVI_DRAIN_BODY_SIZE (1024 * 1024)
/** Longest path in a descriptor's image. */
#define NFVI_IMAGE_PATH_MAX 1023
/** Longest kernel command line in a descriptor's image. */
#define NFVI_CMDLINE_MAX 1023
/** Longest bridge name (as edgeplane-ctl's CTL_NAME_MAX). */
#define NFVI_BRIDGE_MAX 31
/** Longest PF interface name (IFNAMSIZ - 1). */
#define NFVI_IFNAME_MAX 15
/** Length of a PCI address "dddd:bb:dd.f" plus NUL. */
#define NFVI_PCI_ADDR_SIZE 16
/** Length of a MAC address "xx:xx:xx:xx:xx:xx" plus NUL. */
#define NFVI_MAC_SIZE 18

/** A set of CPU numbers 0..NFVI_MAX_CPUS-1. */
struct nfvi_cpuset {
	uint64_t bits[NFVI_MAX_CPUS / 64];
};

/** Hugepage sizes the agent accounts, as indexes. */
enum nfvi_hp_size {
	NFVI_HP_2M,	/**< 2 MiB pages, sysfs hugepages-2048kB */
	NFVI_HP_1G,	/**< 1 GiB pages, sysfs hugepages-1048576kB */
	NFVI_HP_SIZES,
};

/* ---------------------------------------------------------------------- */
/* CPU sets                                                               */

void nfvi_cpuset_zero(struct nfvi_cpuset *s);
void nfvi_cpuset_set(struct nfvi_cpuset *s, unsigned int cpu);
bool nfvi_cpuset_isset(const struct nfvi_cpuset *s, unsigned int cpu);
unsigned int nfvi_cpuset_count(const struct nfvi_cpuset *s);
/** a |= b */
void nfvi_cpuset_or(struct nfvi_cpuset *a, const struct nfvi_cpuset *b);
/** a &= b */
void nfvi_cpuset_and(struct nfvi_cpuset *a, const struct nfvi_cpuset *b);
/** a &= ~b */
void nfvi_cpuset_andnot(struct nfvi_cpuset *a, const struct nfvi_cpuset *b);
bool nfvi_cpuset_intersects(const struct nfvi_cpuset *a, const struct nfvi_cpuset *b);

/**
 * Parse a Linux cpulist ("0-3,8,10-11", optional trailing newline, empty
 * allowed) into @p s.
 * @return 0, or -EINVAL (syntax, descending range, CPU >= NFVI_MAX_CPUS).
 */
int nfvi_cpuset_parse(const char *list, struct nfvi_cpuset *s);

/**
 * Format @p s as a cpulist ("0-3,8"; "" when empty) into @p buf.
 * @return 0, or -ENOSPC when @p size is too small (buf is then truncated).
 */
int nfvi_cpuset_format(const struct nfvi_cpuset *s, char *buf, size_t size);

/* ---------------------------------------------------------------------- */
/* Inventory (nfvi_inventory.c)                                           */

/** A physical core: a set of hyperthread siblings on one node. */
struct nfvi_core {
	int node;			/**< NUMA node id */
	int package;			/**< physical_package_id */
	int core_id;			/**< core_id (unique per package only) */
	unsigned int n_cpus;		/**< online threads of this core */
	struct nfvi_cpuset cpus;	/**< those threads */
	unsigned int first_cpu;		/**< lowest CPU number, the sort key */
};

/** A NUMA node. */
struct nfvi_node {
	int id;						/**< nodeN */
	struct nfvi_cpuset cpus;			/**< online CPUs (cpulist) */
	uint64_t hp_total[NFVI_HP_SIZES];		/**< nr_hugepages */
	uint64_t hp_free[NFVI_HP_SIZES];		/**< free_hugepages (informative) */
};

/** A virtual function of an SR-IOV PF. */
struct nfvi_vf {
	unsigned int index;			/**< N of virtfnN */
	char pci[NFVI_PCI_ADDR_SIZE];		/**< its PCI address */
	char driver[64];			/**< bound driver, "" when none */
	char mac[NFVI_MAC_SIZE];		/**< netdev MAC when it has one, else "" */
};

/** An SR-IOV physical function with a netdev. */
struct nfvi_pf {
	char pci[NFVI_PCI_ADDR_SIZE];		/**< PCI address */
	char ifname[NFVI_IFNAME_MAX + 1];	/**< its netdev (net/<ifname>) */
	int node;				/**< NUMA node, -1 when unknown */
	unsigned int totalvfs;			/**< sriov_totalvfs */
	unsigned int numvfs;			/**< sriov_numvfs */
	unsigned int n_vfs;			/**< entries of vfs (virtfnN links found) */
	struct nfvi_vf *vfs;			/**< sorted by index */
};

/** What the host has. Built by nfvi_inventory_load(), freed by nfvi_inventory_free(). */
struct nfvi_inventory {
	unsigned int n_nodes;
	struct nfvi_node nodes[NFVI_MAX_NODES];	/**< sorted by id */
	unsigned int n_cores;
	struct nfvi_core *cores;		/**< sorted by (node, first_cpu) */
	unsigned int max_threads_per_core;	/**< 1 when SMT is off or absent */
	struct nfvi_cpuset online;		/**< every online CPU */
	unsigned int n_pfs;
	struct nfvi_pf *pfs;			/**< sorted by ifname */
};

/**
 * Read the inventory under @p sysfs_root (the directory that holds
 * devices/ and bus/, i.e. "/sys" on a real host).
 *
 * Layout read: devices/system/node/nodeN/{cpulist,
 * hugepages/hugepages-{2048,1048576}kB/{nr,free}_hugepages} (a missing node
 * directory means one node 0 with every CPU), devices/system/cpu/cpuN/
 * {online,topology/{thread_siblings_list,core_id,physical_package_id}},
 * bus/pci/devices/<addr>/{sriov_totalvfs,sriov_numvfs,numa_node,net/<if>,
 * virtfnN,driver}. A PF with numa_node -1 is put on node 0 when the host
 * has one node, else left at -1 (its VFs are then never allocated).
 *
 * @return a new inventory, or NULL with errno set to
 *         - EINVAL: @p sysfs_root is NULL, or a file is malformed (err says which);
 *         - ENOENT: devices/system/cpu is missing, or no CPU is online;
 *         - ERANGE: a CPU or node number exceeds the limits above;
 *         - ENOMEM, or another errno of opendir()/open()/read().
 */
struct nfvi_inventory *nfvi_inventory_load(const char *sysfs_root, char *err, size_t errlen);

/** Free an inventory. NULL is accepted. */
void nfvi_inventory_free(struct nfvi_inventory *inv);

/** The node with id @p id, or NULL. */
const struct nfvi_node *nfvi_inventory_node(const struct nfvi_inventory *inv, int id);

/** The PF whose netdev is @p ifname, or NULL. */
const struct nfvi_pf *nfvi_inventory_pf(const struct nfvi_inventory *inv, const char *ifname);

/* ---------------------------------------------------------------------- */
/* VNF descriptor (nfvi_desc.c; the format is docs/vnf-descriptor.md)     */

enum nfvi_cpu_policy { NFVI_CPU_DEDICATED, NFVI_CPU_SHARED };
enum nfvi_thread_policy { NFVI_THREAD_PREFER, NFVI_THREAD_ISOLATE, NFVI_THREAD_REQUIRE };
enum nfvi_emu_policy { NFVI_EMU_SHARE, NFVI_EMU_ISOLATE };
/** hw:mem_page_size */
enum nfvi_page_req { NFVI_PAGES_LARGE, NFVI_PAGES_ANY, NFVI_PAGES_SMALL, NFVI_PAGES_2M,
		     NFVI_PAGES_1G };
enum nfvi_nic_type { NFVI_NIC_VHOST_USER, NFVI_NIC_SRIOV_VF };

/** One NIC of a descriptor. */
struct nfvi_nic_desc {
	enum nfvi_nic_type type;
	char bridge[NFVI_BRIDGE_MAX + 1];	/**< vhost-user: the vswitchd bridge */
	char pf[NFVI_IFNAME_MAX + 1];		/**< sriov-vf: the PF netdev */
	unsigned int vlan;			/**< 0 = untagged, else 1..4094 */
	char mac[NFVI_MAC_SIZE];		/**< "" = not given */
	bool spoofchk;				/**< sriov-vf; default true */
	bool trust;				/**< sriov-vf; default false */
	unsigned int max_rate_mbps;		/**< sriov-vf; 0 = unlimited */
	unsigned int queues;			/**< vhost-user: queue pairs 1..8; default 1 */
};

/** A validated VNF descriptor. */
struct nfvi_vnf_desc {
	char name[NFVI_NAME_MAX + 1];
	unsigned int vcpus;			/**< 1..NFVI_MAX_VCPUS */
	unsigned int memory_mb;			/**< NFVI_MIN..MAX_MEMORY_MB */
	enum nfvi_cpu_policy cpu_policy;	/**< default dedicated */
	enum nfvi_thread_policy thread_policy;	/**< default prefer */
	enum nfvi_emu_policy emu_policy;	/**< default share */
	enum nfvi_page_req page_req;		/**< default large */
	unsigned int n_nics;
	struct nfvi_nic_desc nics[NFVI_MAX_NICS];
};

/**
 * Validate the descriptor @p json and fill @p desc.
 *
 * @param normalized  when not NULL, set to a new reference to the
 *                    descriptor with every default filled in (what GET shows).
 * @return 0, or -EINVAL with the offending key and value in @p err
 *         (unknown key, wrong type, out of range, bad name, missing key,
 *         conflicting keys), or -ENOMEM.
 */
int nfvi_desc_parse(const json_t *json, struct nfvi_vnf_desc *desc, json_t **normalized,
		    char *err, size_t errlen);

/** @return true if @p name is a valid VNF name ([a-z0-9-], 1..63, no leading '-'). */
bool nfvi_name_valid(const char *name);

/* ---------------------------------------------------------------------- */
/* Allocation (nfvi_alloc.c)                                              */

/** The host resources one VNF holds. */
struct nfvi_vf_slot {
	int nic;				/**< index into the descriptor's nics */
	char pf[NFVI_IFNAME_MAX + 1];		/**< PF netdev */
	unsigned int index;			/**< VF number on the PF */
	char pci[NFVI_PCI_ADDR_SIZE];		/**< VF PCI address */
};

struct nfvi_placement {
	int node;				/**< the NUMA node everything is on */
	bool dedicated;				/**< hw:cpu_policy=dedicated */
	struct nfvi_cpuset cpus;		/**< whole cores held (dedicated only) */
	unsigned int n_vcpus;
	int vcpu_pins[NFVI_MAX_VCPUS];		/**< host CPU per vCPU; -1 = floats on shared_cpus */
	struct nfvi_cpuset shared_cpus;		/**< where floating vCPUs may run */
	struct nfvi_cpuset emulator_cpus;	/**< where the emulator threads run */
	int hp_size;				/**< enum nfvi_hp_size, or -1 for small pages */
	uint64_t hp_count;			/**< pages of hp_size held */
	unsigned int n_vfs;
	struct nfvi_vf_slot vfs[NFVI_MAX_NICS];
};

/** Host-side reservations from the agent config. */
struct nfvi_reservation {
	struct nfvi_cpuset host_cpus;		/**< housekeeping + shared set */
	struct nfvi_cpuset pmd_cpus;		/**< vswitchd PMD threads */
	uint64_t hp[NFVI_MAX_NODES][NFVI_HP_SIZES];	/**< pages kept for the host, by node id */
};

/** Resources in use by every allocation (see nfvi_usage_add). */
struct nfvi_usage {
	struct nfvi_cpuset cpus;
	uint64_t hp[NFVI_MAX_NODES][NFVI_HP_SIZES];
	unsigned int n_vfs;
	char (*vfs)[NFVI_PCI_ADDR_SIZE];	/**< VF PCI addresses in use */
	unsigned int vfs_cap;
};

void nfvi_usage_init(struct nfvi_usage *u);
/** Account @p pl in @p u. @return 0 or -ENOMEM. */
int nfvi_usage_add(struct nfvi_usage *u, const struct nfvi_placement *pl);
void nfvi_usage_fini(struct nfvi_usage *u);

/**
 * Cores that can never be dedicated: those with any thread in
 * host_cpus or pmd_cpus, plus CPUs that are offline. Filled in @p out as
 * the union of their threads.
 */
void nfvi_reserved_cpus(const struct nfvi_inventory *inv, const struct nfvi_reservation *res,
			struct nfvi_cpuset *out);

/**
 * Place @p desc on one NUMA node, all or nothing. Nodes are tried in id
 * order (only the PFs' node when the VNF has sriov-vf NICs).
 *
 * @return 0 with @p pl filled, or
 *         - -EINVAL: the request can never fit this host's shape (unknown PF,
 *           PFs on different nodes, require without SMT, page size that does
 *           not divide memory_mb, ...);
 *         - -ENOSPC: nothing free enough now; @p err names, per node, what
 *           was short ("node 0: 2 free cores, 3 needed; node 1: ...").
 */
int nfvi_alloc_place(const struct nfvi_inventory *inv, const struct nfvi_reservation *res,
		     const struct nfvi_usage *used, const struct nfvi_vnf_desc *desc,
		     struct nfvi_placement *pl, char *err, size_t errlen);

/** @return a new JSON object describing @p pl (journal and API form), or NULL. */
json_t *nfvi_placement_to_json(const struct nfvi_placement *pl);

/** Parse what nfvi_placement_to_json() wrote. @return 0 or -EINVAL. */
int nfvi_placement_from_json(const json_t *j, struct nfvi_placement *pl, char *err,
			     size_t errlen);

/**
 * The capacity view (GET /v1/inventory): per node, CPUs, hugepages per
 * size and VFs as total / reserved / allocated / available, where
 * total = reserved + allocated + available for CPUs and VFs.
 */
json_t *nfvi_capacity_json(const struct nfvi_inventory *inv, const struct nfvi_reservation *res,
			   const struct nfvi_usage *used);

/* ---------------------------------------------------------------------- */
/* Journal (nfvi_journal.c)                                               */

/**
 * The journal: an append-only file of JSON lines, each one record
 * {"op":"put","vnf":{...}} or {"op":"del","name":"..."}, written with one
 * write() and fsync()ed before nfvi_journal_put/del return. Opening it
 * replays every line (a torn last line, i.e. one without '\n' or that does
 * not parse, is dropped: its write never returned), then rewrites the
 * compacted journal atomically (temp file, fsync, rename, fsync dir).
 */
struct nfvi_journal;

/**
 * Open (creating if needed) "<dir>/journal".
 * @param records  set to a new JSON object name -> vnf record, the state
 *                 after replay.
 * @return the journal, or NULL with errno set (EINVAL for a malformed line
 *         that is not the last one; errnos of open/read/write/fsync/rename).
 */
struct nfvi_journal *nfvi_journal_open(const char *dir, json_t **records, char *err,
				       size_t errlen);

/** Append a "put" of @p vnf (which must have a "name" string) and fsync. */
int nfvi_journal_put(struct nfvi_journal *j, const json_t *vnf);

/** Append a "del" of @p name and fsync. */
int nfvi_journal_del(struct nfvi_journal *j, const char *name);

/** Close. NULL is accepted. */
void nfvi_journal_close(struct nfvi_journal *j);

/* ---------------------------------------------------------------------- */
/* VF configuration provider (nfvi_vf.c)                                  */

/** What a VF is set to. */
struct nfvi_vf_config {
	uint8_t mac[6];			/**< all zero = clear */
	unsigned int vlan;		/**< 0 = none */
	bool spoofchk;
	bool trust;
	unsigned int max_rate_mbps;	/**< 0 = unlimited */
};

/**
 * How VFs are configured. Every member is mandatory; calls are idempotent
 * (the agent replays them after a crash).
 */
struct nfvi_vf_ops {
	const char *name;	/**< "netlink", "fake" */
	/**
	 * Set VF @p vf of PF netdev @p pf to @p cfg (one RTM_SETLINK on the PF
	 * for the netlink provider).
	 */
	int (*configure)(void *ctx, const char *pf, unsigned int vf,
			 const struct nfvi_vf_config *cfg);
	/**
	 * Bind the VF at PCI address @p pci to @p driver (e.g. "vfio-pci") through
	 * <sysfs_root>/bus/pci/devices/<pci>/driver_override, unbinding it from
	 * its current driver first; @p driver NULL clears the override and lets
	 * the host driver take it back.
	 */
	int (*bind)(void *ctx, const char *pci, const char *driver);
};

/**
 * Sends one netlink request and waits for its ACK. The netlink provider
 * uses a libmnl NETLINK_ROUTE socket; tests substitute a capture.
 * @return 0, or -errno (from the kernel's NLMSG_ERROR).
 */
typedef int nfvi_nl_xfer_fn(void *arg, const void *msg, size_t size);

/** Context of the netlink provider. */
struct nfvi_vf_nl {
	char sysfs_root[PATH_MAX];	/**< the sysfs directory ("/sys" on a host) */
	nfvi_nl_xfer_fn *xfer;		/**< NULL = the real NETLINK_ROUTE socket */
	void *xfer_arg;
	uint32_t seq;			/**< sequence number of the next message */
};

extern const struct nfvi_vf_ops nfvi_vf_netlink_ops;

/**
 * Build the RTM_SETLINK request for @p cfg on VF @p vf of @p pf into @p buf
 * (IFLA_IFNAME selects the PF; IFLA_VFINFO_LIST/IFLA_VF_INFO holds
 * IFLA_VF_MAC, IFLA_VF_VLAN, IFLA_VF_SPOOFCHK, IFLA_VF_TRUST, IFLA_VF_RATE).
 * @return the message size, or -EINVAL / -ENOSPC.
 */
int nfvi_vf_nl_build(void *buf, size_t size, uint32_t seq, const char *pf, unsigned int vf,
		     const struct nfvi_vf_config *cfg);

/** One call recorded by the fake provider. */
struct nfvi_vf_fake_call {
	char text[160];	/**< "configure ens1f0 vf 0 mac .. vlan .. spoofchk .. trust .. rate .." or "bind <pci> <driver|->" */
};

/** Context of the fake provider: records calls, can be told to fail. */
struct nfvi_vf_fake {
	unsigned int n_calls;
	struct nfvi_vf_fake_call calls[64];	/**< the first 64 calls */
	int fail_at;		/**< call number (1-based) that returns fail_errno; 0 = never */
	int fail_errno;
	char log_path[PATH_MAX];	/**< when set, each call is also appended here */
};

extern const struct nfvi_vf_ops nfvi_vf_fake_ops;

/* ---------------------------------------------------------------------- */
/* Agent core (nfvi_agent.c)                                              */

/** The agent's configuration (--config file and command line). */
struct nfvi_config {
	char sysfs_root[PATH_MAX];	/**< the root sys/ is read under; default "/" */
	char state_dir[PATH_MAX];	/**< default /var/lib/edgeplane */
	char listen[PATH_MAX + 8];	/**< unix:PATH or tcp:HOST:PORT */
	char token_file[PATH_MAX];	/**< "" = none (only allowed with unix_auth false) */
	char vswitchd_socket[PATH_MAX];
	char libvirt_uri[256];
	struct nfvi_reservation res;
	bool unix_auth;			/**< require the token on the unix socket; default true */
	char vf_backend[16];		/**< "netlink" (default) or "fake" */
	char vm_backend[16];		/**< "libvirt" (default) or "none" (allocation only) */
	char accel[8];			/**< "auto" (default: KVM only if it probes usable), "kvm", "tcg" */
};

/** Fill @p cfg with the defaults for a real host. */
void nfvi_config_defaults(struct nfvi_config *cfg);

/**
 * Apply the JSON config file @p path on top of @p cfg (keys: sysfs_root,
 * state_dir, listen, token_file, vswitchd_socket, libvirt_uri, host_cpus,
 * pmd_cpus, reserved_hugepages {"<node>": {"2M": n, "1G": n}},
 * unix_socket_auth, vf_backend). See docs/agent.md.
 * @return 0, or -EINVAL (unknown key, bad value) / -errno of reading.
 */
int nfvi_config_load(struct nfvi_config *cfg, const char *path, char *err, size_t errlen);

struct nfvi_agent;

/* ---------------------------------------------------------------------- */
/* Guests: domain XML (nfvi_xml.c) and the hypervisor provider             */
/* (nfvi_libvirt.c)                                                       */

/** XML namespace of the agent's domain metadata. */
#define NFVI_NS_VNF "https://edgeplane/ns/vnf/1"
/** Longest vhost-user socket path (sun_path - 1). */
#define NFVI_SOCK_PATH_MAX 107
/** A record id / domain UUID "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" plus NUL. */
#define NFVI_UUID_SIZE 37
/** Domain names are "ep-<vnf>". */
#define NFVI_DOMAIN_PREFIX "ep-"

/** One NIC of a domain. */
struct nfvi_dom_nic {
	enum nfvi_nic_type type;
	char mac[NFVI_MAC_SIZE];		/**< guest MAC */
	char path[NFVI_SOCK_PATH_MAX + 1];	/**< vhost-user: socket QEMU serves */
	unsigned int queues;			/**< vhost-user: queue pairs, 1..8 */
	char pci[NFVI_PCI_ADDR_SIZE];		/**< sriov-vf: the VF's PCI address */
};

/** Everything the domain XML is built from (no request string is pasted). */
struct nfvi_dom_spec {
	char name[NFVI_NAME_MAX + 4];		/**< domain name, "ep-<vnf>" */
	char vnf[NFVI_NAME_MAX + 1];		/**< VNF name (metadata) */
	char id[NFVI_UUID_SIZE];		/**< record id = domain UUID (metadata) */
	bool kvm;				/**< type='kvm'; false: type='qemu' (TCG) + workarounds */
	unsigned int vcpus;
	unsigned int memory_mb;
	struct nfvi_placement pl;		/**< pins, node, page size */
	const char *kernel;			/**< borrowed; NULL with disk */
	const char *initrd;			/**< borrowed; may be NULL */
	const char *cmdline;			/**< borrowed; may be NULL */
	const char *disk;			/**< borrowed; NULL with kernel */
	char console_log[PATH_MAX];		/**< serial console (ttyS0) file */
	unsigned int n_nics;
	struct nfvi_dom_nic nics[NFVI_MAX_NICS];
};

/**
 * Build the libvirt domain XML for @p s with libxml2's xmlTextWriter (every
 * value escaped): memoryBacking (hugepages of the placement's size on guest
 * cell 0, or memfd for small pages; shared access), one guest NUMA cell with
 * memAccess='shared', numatune strict on the placement's node, vcpupin per
 * vCPU and emulatorpin, kernel/initrd/cmdline or a virtio disk, vhostuser
 * interfaces in server mode (virtio, queues, 1024-entry rings), hostdev
 * interfaces for VFs, a serial console to a file and the edgeplane metadata.
 * Under TCG (!kvm) the MSI-X workaround: " pci=nomsi" appended to the
 * kernel command line, or for a disk boot a <qemu:override> setting
 * vectors=0 on each vhost-user NIC.
 * @return a malloc'd NUL-terminated document, or NULL with errno set
 *         (EINVAL: bad PCI address or an empty spec; ENOMEM).
 */
char *nfvi_domain_xml(const struct nfvi_dom_spec *s, char *err, size_t errlen);

/**
 * Build a <domainsnapshot> with @p name whose memory goes to the external
 * file @p memory_file. @return malloc'd XML, or NULL with errno set.
 */
char *nfvi_snapshot_xml(const char *name, const char *memory_file);

/**
 * Parse the edgeplane metadata element (as virDomainGetMetadata returns it)
 * into the VNF name and record id. @return 0 or -EINVAL.
 */
int nfvi_metadata_parse(const char *xml, char *vnf, size_t vnf_size, char *id, size_t id_size);

/**
 * How guests are run. Every member is mandatory; `dom` is a domain name.
 * Functions return 0 or -errno with a reason in err: -ENOENT for an
 * unknown domain, -EIO for anything the hypervisor refused.
 */
struct nfvi_hv_ops {
	const char *name;	/**< "libvirt" */
	/** Define (persistently) the domain @p xml; replaces a definition of the same name. */
	int (*define)(void *ctx, const char *xml, char *err, size_t errlen);
	/** Start @p dom; 0 if it already runs. With vhost-user server NICs this blocks until the switch connects. */
	int (*start)(void *ctx, const char *dom, char *err, size_t errlen);
	/** Shut @p dom down: ACPI, then destroy after @p grace_ms (0: destroy at once); 0 if not running. */
	int (*stop)(void *ctx, const char *dom, unsigned int grace_ms, char *err, size_t errlen);
	/** Destroy and undefine @p dom with its managed save and snapshot metadata; 0 if it does not exist. */
	int (*remove)(void *ctx, const char *dom, char *err, size_t errlen);
	/** @p dom's state ("running", "shutoff", "paused", ...) into @p buf; -ENOENT when undefined. */
	int (*state)(void *ctx, const char *dom, char *buf, size_t size);
	/** A new array of {"domain", "vnf", "id", "active"} for every domain with edgeplane metadata. */
	int (*list)(void *ctx, json_t **doms, char *err, size_t errlen);
	/** Create the snapshot @p xml of @p dom. */
	int (*snapshot)(void *ctx, const char *dom, const char *xml, char *err, size_t errlen);
	/**
	 * Live-migrate @p dom to the libvirt at @p uri (peer to peer), with @p dest_xml
	 * when not NULL, QEMU's stream to @p migrate_uri (tcp://HOST[:PORT]) when not NULL
	 * (else where the target's libvirt says: its migration_host or hostname).
	 */
	int (*migrate)(void *ctx, const char *dom, const char *uri, const char *migrate_uri,
		       const char *dest_xml, char *err, size_t errlen);
};

/** The libvirt provider; its ctx is a struct nfvi_libvirt. */
extern const struct nfvi_hv_ops nfvi_hv_libvirt_ops;
struct nfvi_libvirt;
/** A libvirt context for @p uri; connects lazily (and again after a lost connection). */
struct nfvi_libvirt *nfvi_libvirt_new(const char *uri);
/** Close and free. NULL is accepted. */
void nfvi_libvirt_free(struct nfvi_libvirt *lv);

/**
 * Whether KVM can run a guest here: /dev/kvm opens, the API version is 12,
 * a VM and a vCPU can be created, and the MSRs QEMU's "-cpu host" writes
 * (IA32_ARCH_CAPABILITIES, 0x10a, when the host lists it) are accepted
 * (a PVM /dev/kvm refuses it and QEMU aborts).
 */
bool nfvi_kvm_usable(void);

/** Providers an agent uses; NULL members select the configured default. */
struct nfvi_providers {
	const struct nfvi_vf_ops *vf_ops;
	void *vf_ctx;
	const struct nfvi_hv_ops *hv_ops;	/**< NULL: cfg->vm_backend */
	void *hv_ctx;
};

/** nfvi_agent_create() with explicit providers (tests). */
struct nfvi_agent *nfvi_agent_create_with(const struct nfvi_config *cfg,
					  const struct nfvi_providers *p, char *err, size_t errlen);

/**
 * Create the agent: read the inventory, open the journal, replay it and
 * reconcile (allocations left "allocating" are rolled back, "releasing"
 * finished, "allocated" ones get their VF config re-applied).
 * @p vf_ops/@p vf_ctx may be NULL to use cfg->vf_backend.
 * @return the agent, or NULL with errno set (and err).
 */
struct nfvi_agent *nfvi_agent_create(const struct nfvi_config *cfg,
				     const struct nfvi_vf_ops *vf_ops, void *vf_ctx,
				     char *err, size_t errlen);

/** Free the agent (no side effects: allocations stay). NULL is accepted. */
void nfvi_agent_destroy(struct nfvi_agent *agent);

/**
 * Create a VNF: validate @p desc, place it, journal it, configure its VFs,
 * journal it "allocated".
 * @param result  set to a new reference to the VNF record on success.
 * @return 0 or -errno as described at the top of this file.
 */
int nfvi_agent_vnf_create(struct nfvi_agent *agent, const json_t *desc, json_t **result,
			  char *err, size_t errlen);

/** Release VNF @p name (journal "releasing", undo VFs, journal delete). */
int nfvi_agent_vnf_delete(struct nfvi_agent *agent, const char *name, char *err, size_t errlen);

/** A new reference to VNF @p name's record, or NULL when there is none. */
json_t *nfvi_agent_vnf_get(struct nfvi_agent *agent, const char *name);

/** A new reference to {"vnfs":[record, ...]} sorted by name. */
json_t *nfvi_agent_vnf_list(struct nfvi_agent *agent);

/**
 * Run an action ({"action":"start|stop|snapshot|migrate", ...}) on VNF @p name
 * (docs/agent.md lists the keys of each). "migrate" with "target_agent"
 * drives the target agent's migration API itself (a blocking HTTP client).
 * @param result  set to a new reference to the action's result object, or NULL.
 * @return 0, -EINVAL (bad body; a migrate of a VNF with sriov-vf NICs),
 *         -ENOENT, -EBUSY (not "allocated"), -ENOTSUP (vm_backend none), the
 *         hypervisor's -errno, or for a migrate with "target_agent" the
 *         target's refusal of the prepare (-EINVAL, -EEXIST, -ENOSPC, -EBUSY;
 *         -EIO for anything else, an unreachable target included).
 */
int nfvi_agent_vnf_action(struct nfvi_agent *agent, const char *name, const json_t *body,
			  json_t **result, char *err, size_t errlen);

/**
 * Target side of a live migration, step 1 (POST /v1/migrations): @p body is
 * {"descriptor": D, "id": UUID, "accel"?: "kvm"|"tcg"}, the VNF as the
 * source holds it. D is validated and placed exactly like a create, the
 * record journaled, the vhost-user ports added on this host's vswitchd and
 * the VFs configured, but no domain is defined: the record is left
 * "incoming" (actions answer -EBUSY) until finish or abort.
 * @param result  set to a new {"vnf": record, "dest_xml": XML}, the domain
 *                XML for this host's placement (its pins, node, socket paths,
 *                VF addresses) with the source's name and UUID.
 * @return 0, -EINVAL, -EEXIST, -ENOSPC, -ENOTSUP (vm_backend none), or the
 *         failure of a step (everything rolled back, as a create).
 */
int nfvi_agent_migration_prepare(struct nfvi_agent *agent, const json_t *body,
				 json_t **result, char *err, size_t errlen);

/**
 * Step 2 after a successful migration (POST /v1/migrations/NAME/finish): the
 * domain ep-NAME must run here with the record's id in its metadata; the
 * record becomes "allocated" with desired "running".
 * @param result  set to a new reference to the record's live view.
 * @return 0, -EINVAL (bad name), -ENOENT (no such record), -EBUSY (the VNF
 *         is not "incoming"), -EAGAIN (the domain is absent, paused or not
 *         this VNF's: nothing changed), -EIO (libvirt), -ENOTSUP.
 */
int nfvi_agent_migration_finish(struct nfvi_agent *agent, const char *name, json_t **result,
				char *err, size_t errlen);

/**
 * Step 2 after a failed migration (DELETE /v1/migrations/NAME): the same
 * undo as a delete (ports, VFs, allocation; a leftover domain).
 * @return 0, -EINVAL, -ENOENT, -EBUSY (not "incoming"), -EALREADY (the
 *         domain runs here: the migration completed, nothing changed), -EIO
 *         (libvirt does not answer: nothing changed), -ENOTSUP, or the
 *         failure of an undo step (the record stays "releasing").
 */
int nfvi_agent_migration_abort(struct nfvi_agent *agent, const char *name, char *err,
			       size_t errlen);

/** The capacity view (GET /v1/inventory), a new reference. */
json_t *nfvi_agent_inventory(struct nfvi_agent *agent);

/** Append the Prometheus text of the agent's gauges and counters to @p out (malloc'd). */
int nfvi_agent_metrics(struct nfvi_agent *agent, char **out, size_t *size);

/** Count one HTTP response with @p status (for /metrics). */
void nfvi_agent_count_http(struct nfvi_agent *agent, unsigned int status);

/* ---------------------------------------------------------------------- */
/* REST server (nfvi_rest.c)                                              */

struct nfvi_rest;

/**
 * Listen on cfg->listen (unix:PATH, mode 0660, a stale socket is replaced;
 * or tcp:HOST:PORT) and serve the agent's API. Requests are handled in
 * nfvi_rest_run(), on the caller's thread.
 * @return the server, or NULL with errno set (EINVAL for a bad listen
 *         string or a missing token where one is required).
 */
struct nfvi_rest *nfvi_rest_create(struct nfvi_agent *agent, const struct nfvi_config *cfg,
				   char *err, size_t errlen);

/** Serve for up to @p timeout_ms. @return 0 or -errno. */
int nfvi_rest_run(struct nfvi_rest *rest, int timeout_ms);

/** Stop, close and unlink the socket. NULL is accepted. */
void nfvi_rest_destroy(struct nfvi_rest *rest);

#endif /* NFVI_H */
