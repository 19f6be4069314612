package main

import (
	"strings"
	"testing"
	"time"
)

func TestLogBufferFlushesPeriodically(t *testing.T) {
	var out syncBuffer
	b := newLogBuffer(&out, 10*time.Millisecond)
	defer b.Close()
	b.Write([]byte("first line\n"))
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(out.String(), "first line") {
		if time.Now().After(deadline) {
			t.Fatal("a buffered line was not written out by the periodic flush")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestLogBufferCloseWritesTheRest(t *testing.T) {
	var out syncBuffer
	b := newLogBuffer(&out, time.Hour)
	b.Write([]byte("one\n"))
	b.Write([]byte("two\n"))
	if got := out.String(); got != "" {
		t.Fatalf("written before any flush: %q; want lines held in the buffer", got)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); got != "one\ntwo\n" {
		t.Errorf("after Close: %q; want both lines in order", got)
	}
}
