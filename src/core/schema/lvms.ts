/**
 * LVM Storage's LogicalVolume (topolvm/topolvm `api/v1/logicalvolume_types.go`,
 * `config/crd/bases/topolvm.io_logicalvolumes.yaml`), cluster-scoped: the volume behind a claim, which an
 * upgrade must back up and restore with its status.
 */
import { quantity, resource } from './meta';
import { int, obj, str, type ObjectSchema } from './types';

export const logicalVolumeSpec: ObjectSchema = obj({
  name: str('Name of the volume (the claim\'s volume name).'),
  nodeName: str('Node the volume lives on.'),
  deviceClass: str('Device class (volume group) it is carved from.'),
  lvcreateOptionClass: str('lvcreate options class.'),
  size: quantity('Requested size.'),
  source: str('LogicalVolume this one is a snapshot or clone of.'),
  accessType: str('ro for a snapshot, rw for a restore or clone.'),
}, 'The volume TopoLVM creates on the node.', ['name', 'nodeName', 'size']);

export const logicalVolumeStatus: ObjectSchema = obj({
  volumeID: str('ID of the logical volume on the node. Velero must restore it (restoreStatus) for the claim to find its data.'),
  code: int('gRPC error code of the last failure.', { format: 'int32' }),
  message: str('Message of the last failure.'),
  currentSize: quantity('Size of the volume now.'),
});

export const logicalVolumeSchema: ObjectSchema = resource(logicalVolumeSpec, logicalVolumeStatus);
