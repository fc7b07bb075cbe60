package main

import (
	"flag"
	"fmt"
	"strings"
)

// takesArgs are the commands whose flag set reads positional arguments;
// every other command refuses them (they are flags given in the wrong
// place, or a configuration file given without -config).
var takesArgs = map[string]bool{
	"db check": true, "db restore": true, "model": true, "replay": true, "eval": true, "train": true,
	"completion": true,
}

// positional is the error for arguments a command does not take, with a
// hint that fits what was given. The flag package stops at the first
// argument, so flags after it are not read either.
func positional(fs *flag.FlagSet) error {
	if fs.NArg() == 0 || takesArgs[fs.Name()] {
		return nil
	}
	a := fs.Arg(0)
	w := fs.Output()
	switch {
	case strings.HasSuffix(a, ".yaml") || strings.HasSuffix(a, ".yml"):
		fmt.Fprintf(w, "strazh %s: лишний аргумент %q: файл конфигурации задают флагом, используйте -config: strazh %s -config %s\n"+
			"strazh %s: unexpected argument %q: use -config: strazh %s -config %s\n", fs.Name(), a, fs.Name(), a, fs.Name(), a, fs.Name(), a)
	default:
		fmt.Fprintf(w, "strazh %s: лишний аргумент %q: у команды только флаги, и они идут первыми (strazh %s -h)\n"+
			"strazh %s: unexpected argument %q: the command takes flags only, before anything else (strazh %s -h)\n", fs.Name(), a, fs.Name(), fs.Name(), a, fs.Name())
	}
	return errUsage
}

// flagGiven says whether the flag was set on the command line.
func flagGiven(fs *flag.FlagSet, name string) bool {
	given := false
	fs.Visit(func(f *flag.Flag) { given = given || f.Name == name })
	return given
}
