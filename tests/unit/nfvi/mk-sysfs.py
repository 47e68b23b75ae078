#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Build a fake sysfs tree for edgeplane-agent tests: ROOT/sys/... with the
standard Linux layout (what the agent reads with --sysfs-root ROOT).

CPU numbering follows Linux on x86: thread t of global core c is CPU
c + t * total_cores, so with SMT the siblings of CPU 0 are "0,N".

usage: mk-sysfs.py ROOT [--nodes N] [--cores C] [--smt T] [--hp2m P] [--hp1g P]
                        [--pf IFNAME:NODE:NUMVFS[:TOTALVFS]]... [--no-numa]
"""
import argparse
import os


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text + "\n")


def cpulist(cpus):
    cpus = sorted(cpus)
    out, i = [], 0
    while i < len(cpus):
        j = i
        while j + 1 < len(cpus) and cpus[j + 1] == cpus[j] + 1:
            j += 1
        out.append(str(cpus[i]) if i == j else "%d-%d" % (cpus[i], cpus[j]))
        i = j + 1
    return ",".join(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("root")
    ap.add_argument("--nodes", type=int, default=1)
    ap.add_argument("--cores", type=int, default=4, help="cores per node")
    ap.add_argument("--smt", type=int, default=2, help="threads per core")
    ap.add_argument("--hp2m", type=int, default=1024, help="2M pages per node")
    ap.add_argument("--hp1g", type=int, default=0, help="1G pages per node")
    ap.add_argument("--pf", action="append", default=[])
    ap.add_argument("--no-numa", action="store_true", help="no devices/system/node")
    a = ap.parse_args()

    sys_ = os.path.join(a.root, "sys")
    total = a.nodes * a.cores
    for n in range(a.nodes):
        cpus = []
        for c in range(n * a.cores, (n + 1) * a.cores):
            sib = [c + t * total for t in range(a.smt)]
            cpus += sib
            for cpu in sib:
                top = os.path.join(sys_, "devices/system/cpu/cpu%d/topology" % cpu)
                write(os.path.join(top, "thread_siblings_list"), cpulist(sib))
                write(os.path.join(top, "core_id"), str(c % a.cores))
                write(os.path.join(top, "physical_package_id"), str(n))
                if cpu != 0:
                    write(os.path.join(sys_, "devices/system/cpu/cpu%d/online" % cpu), "1")
        if a.no_numa:
            continue
        nd = os.path.join(sys_, "devices/system/node/node%d" % n)
        write(os.path.join(nd, "cpulist"), cpulist(cpus))
        for d, cnt in (("hugepages-2048kB", a.hp2m), ("hugepages-1048576kB", a.hp1g)):
            write(os.path.join(nd, "hugepages", d, "nr_hugepages"), str(cnt))
            write(os.path.join(nd, "hugepages", d, "free_hugepages"), str(cnt))

    pci = os.path.join(sys_, "bus/pci")
    for drv in ("ice", "iavf", "vfio-pci"):
        for f in ("bind", "unbind"):
            write(os.path.join(pci, "drivers", drv, f), "")
    write(os.path.join(pci, "drivers_probe"), "")
    for i, spec in enumerate(a.pf):
        parts = spec.split(":")
        ifname, node, numvfs = parts[0], int(parts[1]), int(parts[2])
        totalvfs = int(parts[3]) if len(parts) > 3 else max(numvfs, 8)
        bus = 0x3b + i
        pf_addr = "0000:%02x:00.0" % bus
        pd = os.path.join(pci, "devices", pf_addr)
        write(os.path.join(pd, "sriov_totalvfs"), str(totalvfs))
        write(os.path.join(pd, "sriov_numvfs"), str(numvfs))
        write(os.path.join(pd, "numa_node"), str(node))
        write(os.path.join(pd, "net", ifname, "address"), "3c:fd:fe:00:%02x:00" % i)
        os.symlink("../../drivers/ice", os.path.join(pd, "driver"))
        for v in range(numvfs):
            vf_addr = "0000:%02x:%02x.%d" % (bus, 2 + v // 8, v % 8)
            vd = os.path.join(pci, "devices", vf_addr)
            write(os.path.join(vd, "driver_override"), "(null)")
            write(os.path.join(vd, "numa_node"), str(node))
            write(os.path.join(vd, "net", "%sv%d" % (ifname, v), "address"),
                  "02:00:00:%02x:00:%02x" % (i, v))
            os.symlink("../../drivers/iavf", os.path.join(vd, "driver"))
            os.symlink("../" + vf_addr, os.path.join(pd, "virtfn%d" % v))


if __name__ == "__main__":
    main()
