// Asks the kernel whether an IOMMU group is viable (VFIO_GROUP_GET_STATUS) and, if it is, attaches it
// to a type1 container; with "hold", keeps the group and container open until killed (a user of the
// group jetvm does not know about). From the reference kernel rig (kernel-rig/vfioprobe.c), built for L1 by l1.sh.
#include <stdio.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <linux/vfio.h>
#include <errno.h>
#include <string.h>
int main(int argc, char **argv) {
  if (argc < 2) { fprintf(stderr, "usage: vfioprobe /dev/vfio/N [hold]\n"); return 2; }
  int c = open("/dev/vfio/vfio", O_RDWR);
  int g = open(argv[1], O_RDWR);
  if (g < 0) { printf("PROBE open %s failed: %s\n", argv[1], strerror(errno)); return 1; }
  struct vfio_group_status st = { .argsz = sizeof(st) };
  if (ioctl(g, VFIO_GROUP_GET_STATUS, &st)) { printf("PROBE status failed: %s\n", strerror(errno)); return 1; }
  printf("PROBE %s viable=%d container_set=%d api=%d\n", argv[1], !!(st.flags & VFIO_GROUP_FLAGS_VIABLE), !!(st.flags & VFIO_GROUP_FLAGS_CONTAINER_SET), c>=0 ? ioctl(c, VFIO_GET_API_VERSION) : -1);
  if (st.flags & VFIO_GROUP_FLAGS_VIABLE) {
    if (ioctl(g, VFIO_GROUP_SET_CONTAINER, &c)) printf("PROBE set_container failed: %s\n", strerror(errno));
    else if (ioctl(c, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU)) printf("PROBE set_iommu failed: %s\n", strerror(errno));
    else printf("PROBE iommu set ok\n");
  }
  if (argc > 2 && !strcmp(argv[2], "hold")) { fflush(stdout); pause(); }
  return 0;
}
