#!/usr/bin/env python3
"""Writes tiny NIfTI fixtures with nibabel (Debian python3-nibabel) and what nibabel reads back,
so that NiftiNibabelTest checks the project's reader against an independent implementation.
Run from this folder: python3 make-nibabel-fixtures.py"""
import json
import numpy as np
import nibabel as nib

out = {}

# 1. NIfTI-1, int16, scaled (slope 0.5, intercept 10), an oblique sform (code 2) and a
#    different qform (code 1): readers must prefer the sform. gzip-compressed.
data = (np.arange(5 * 4 * 3, dtype=np.int16).reshape((5, 4, 3), order='F') * 7 - 100).astype(np.int16)
c, s = np.cos(0.3), np.sin(0.3)
sform = np.array([[1.5 * c, -2.0 * s, 0.1, -30.25],
                  [1.5 * s, 2.0 * c, 0.0, 12.5],
                  [0.0, 0.2, 2.5, 7.75],
                  [0, 0, 0, 1]])
img = nib.Nifti1Image(data, None)
img.header.set_data_dtype(np.int16)
img.set_sform(sform, code=2)
img.set_qform(np.diag([1.5, 2.0, 2.5, 1.0]), code=1)
img.header.set_slope_inter(0.5, 10.0)
img.header['descrip'] = b'amat nibabel fixture'
nib.save(img, 'nibabel-oblique-int16.nii.gz')
back = nib.load('nibabel-oblique-int16.nii.gz')
out['nibabel-oblique-int16.nii.gz'] = {
    'dims': list(back.shape), 'affine': back.affine.tolist(),
    'zooms': [float(z) for z in back.header.get_zooms()],
    'values': np.asarray(back.get_fdata(), dtype=np.float64).flatten(order='F').tolist(),
    'descrip': 'amat nibabel fixture'}

# 2. NIfTI-2, float32, big-endian, a qform only (rotation about z, qfac -1), uncompressed.
data2 = (np.arange(4 * 3 * 2, dtype=np.float32).reshape((4, 3, 2), order='F') / 3.0 - 1.0).astype('>f4')
hdr = nib.Nifti2Header(endianness='>')
img2 = nib.Nifti2Image(data2, None, header=hdr)
a = np.deg2rad(30.0)
q = np.array([[np.cos(a), -np.sin(a), 0, 5.0], [np.sin(a), np.cos(a), 0, -3.0], [0, 0, 1, 2.0], [0, 0, 0, 1]])
q = q @ np.diag([0.8, 0.9, -1.2, 1.0])
img2.set_qform(q, code=1)
img2.set_sform(None, code=0)
nib.save(img2, 'nibabel-nifti2-bigendian.nii')
back2 = nib.load('nibabel-nifti2-bigendian.nii')
out['nibabel-nifti2-bigendian.nii'] = {
    'dims': list(back2.shape), 'affine': back2.affine.tolist(),
    'zooms': [float(z) for z in back2.header.get_zooms()],
    'values': np.asarray(back2.get_fdata(), dtype=np.float64).flatten(order='F').tolist(),
    'endianness': back2.header.endianness}

with open('nibabel-fixtures.json', 'w') as f:
    json.dump(out, f, indent=1)
