// Package competitions is the host's view of the competitions it can play: it reaches task loader
// plugins through the catalog to list, show and load competitions from configured roots, and prepares
// competition packs (the offline starter pack) into the data directory.
//
// Start with New and DefaultRoots; Library.Prepare builds a pack.
package competitions
