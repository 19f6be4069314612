//go:build !unix

package badgerstore

import "io/fs"

// diskUsage is a file's length where its blocks cannot be counted.
func diskUsage(fi fs.FileInfo) int64 { return fi.Size() }
