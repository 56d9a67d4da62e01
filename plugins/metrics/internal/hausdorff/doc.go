// Package hausdorff computes exact Hausdorff distances between voxel sets on a 3-D grid with
// per-axis spacing, as scipy.spatial.distance.directed_hausdorff does on their coordinates, in time
// linear in the grid's size: a Euclidean distance transform (Felzenszwalb and Huttenlocher's lower
// envelope of parabolas, one axis at a time) gives every voxel its distance to the nearest voxel of
// the other set, so no pair of points is ever compared.
//
// Start with Symmetric.
package hausdorff
