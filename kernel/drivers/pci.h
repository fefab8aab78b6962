/* PCI configuration space through the legacy 0xCF8/0xCFC ports (q35, pc),
 * bus enumeration following bridges, BARs and MSI-X. */
#ifndef DRIVERS_PCI_H
#define DRIVERS_PCI_H
#include <stdint.h>

struct pci_addr { uint8_t bus, dev, fn; };

uint32_t pci_read32(struct pci_addr a, uint8_t off);
uint16_t pci_read16(struct pci_addr a, uint8_t off);
uint8_t pci_read8(struct pci_addr a, uint8_t off);
void pci_write32(struct pci_addr a, uint8_t off, uint32_t v);
void pci_write16(struct pci_addr a, uint8_t off, uint16_t v);
/* Calls fn for every function present (vendor != 0xffff). */
void pci_scan(void (*fn)(struct pci_addr a, uint16_t vendor, uint16_t device));
/* Physical address of memory BAR n (64-bit BARs handled), 0 for I/O or empty BARs. */
uint64_t pci_bar(struct pci_addr a, int n);
/* Offset of capability id, or 0. */
uint8_t pci_find_cap(struct pci_addr a, uint8_t id, uint8_t start);
/* Enables MSI-X with every table entry pointing at vector on this CPU. 0 or -ENODEV. */
int pci_enable_msix(struct pci_addr a, int vector);
void pci_enable_bus_master(struct pci_addr a);

#endif
