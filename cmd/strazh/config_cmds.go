package main

import (
	"context"
	"fmt"
	"os"

	"github.com/strazh/strazh/config"
)

func cmdConfig(_ context.Context, args []string, s stdio) error {
	sub := ""
	if len(args) > 0 {
		sub, args = args[0], args[1:]
	}
	switch sub {
	case "dump":
		fs := newFlags("config dump", "[-config FILE]",
			"Prints the effective configuration: every key with the value strazh uses,\ndefaults filled in, durations as 30d, 12h. Secrets are never in the file:\ntheir sources (*_env, *_file) are shown, an *_env value that is no variable\nname (a token pasted by mistake) is redacted.", s)
		path := configFlag(fs)
		if err := parse(fs, args); err != nil {
			return err
		}
		cfg, err := config.Load(*path)
		if err != nil {
			v := validation{problems: config.Flatten(err)}
			v.print(s.err)
			return exitError{1}
		}
		out, err := cfg.Dump()
		if err != nil {
			return err
		}
		_, err = s.out.Write(out)
		return err
	case "schema":
		fs := newFlags("config schema", "[-o FILE]",
			"Prints the JSON Schema of the configuration file (draft 2020-12), generated\nfrom the same declarations as the loader, for editor completion; the\nrepository ships it as config/strazh.schema.json.", s)
		out := fs.String("o", "", "write to this `file` instead of stdout")
		if err := parse(fs, args); err != nil {
			return err
		}
		if *out != "" {
			return os.WriteFile(*out, config.SchemaJSON(), 0o644)
		}
		_, err := s.out.Write(config.SchemaJSON())
		return err
	case "-h", "--help", "help":
		fmt.Fprint(s.out, configUsage)
		return nil
	}
	fmt.Fprint(s.err, configUsage)
	return errUsage
}

const configUsage = `Usage: strazh config dump [-config FILE] | strazh config schema [-o FILE]

  dump    the effective configuration, defaults filled in, secrets redacted
  schema  the JSON Schema of the configuration file
`
