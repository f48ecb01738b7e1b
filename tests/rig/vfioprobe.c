/* vfioprobe /dev/vfio/N: asks the kernel whether IOMMU group N is viable (every member bound to
 * vfio-pci or to no driver), and if it is, attaches the group to a fresh container with the type1
 * IOMMU, as QEMU does before it maps guest memory. One "PROBE ..." line per answer. With "hold" it
 * then keeps the group and container open until killed (a user of the group nobody else knows
 * about: tests/hil). Built static for the rig's guest (tests/rig/rig.sh build) and for L1 (tests/hil). */
#include <errno.h>
#include <fcntl.h>
#include <linux/vfio.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

static int fail(const char *what, const char *node) {
  printf("PROBE %s %s failed: %s\n", node, what, strerror(errno));
  return 1;
}

int main(int argc, char **argv) {
  int hold = argc == 3 && strcmp(argv[2], "hold") == 0;
  if (argc != 2 && !hold) {
    fprintf(stderr, "usage: vfioprobe /dev/vfio/N [hold]\n");
    return 2;
  }
  const char *node = argv[1];
  int container = open("/dev/vfio/vfio", O_RDWR);
  int group = open(node, O_RDWR);
  if (group < 0) return fail("open", node);

  struct vfio_group_status status = {.argsz = sizeof status};
  if (ioctl(group, VFIO_GROUP_GET_STATUS, &status) != 0) return fail("status", node);
  int viable = (status.flags & VFIO_GROUP_FLAGS_VIABLE) != 0;
  int api = container >= 0 ? ioctl(container, VFIO_GET_API_VERSION) : -1;
  printf("PROBE %s viable=%d container_set=%d api=%d\n", node, viable,
         (status.flags & VFIO_GROUP_FLAGS_CONTAINER_SET) != 0, api);
  if (!viable) return 0;

  if (ioctl(group, VFIO_GROUP_SET_CONTAINER, &container) != 0) return fail("set_container", node);
  if (ioctl(container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU) != 0) return fail("set_iommu", node);
  printf("PROBE %s iommu set ok\n", node);
  if (hold) {
    fflush(stdout);
    pause();
  }
  return 0;
}
