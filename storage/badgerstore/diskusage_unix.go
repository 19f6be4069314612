//go:build unix

package badgerstore

import (
	"io/fs"
	"syscall"
)

// diskUsage is the space a file's blocks take (a sparse file takes less
// than its length).
func diskUsage(fi fs.FileInfo) int64 {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return int64(st.Blocks) * 512
	}
	return fi.Size()
}
