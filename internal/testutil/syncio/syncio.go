// Package syncio holds the io.Writers tests share across goroutines: a
// locked buffer that collects a node's logs, and a writer whose
// destination a test switches (a failing file, then a good one) while the
// node writes to it.
package syncio

import (
	"bytes"
	"io"
	"sync"
)

// Buffer is a bytes.Buffer safe for concurrent Write and String.
type Buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write appends p.
func (s *Buffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// String returns everything written so far.
func (s *Buffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// Switch forwards every Write to the writer last Set.
type Switch struct {
	mu sync.Mutex
	w  io.Writer
}

// NewSwitch forwards to w until Set.
func NewSwitch(w io.Writer) *Switch { return &Switch{w: w} }

// Write writes p to the current writer.
func (s *Switch) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

// Set makes w the destination of later writes.
func (s *Switch) Set(w io.Writer) {
	s.mu.Lock()
	s.w = w
	s.mu.Unlock()
}
