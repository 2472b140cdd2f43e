package main

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/waymarkhq/waymark/bot"
	"github.com/waymarkhq/waymark/bot/redisstore"
)

// The data protection commands: a subject access request (export) and
// erasure (erase), each for one person, by the key the audit trail names
// them by.

// configuredStore opens the configured Redis; an embedded one keeps
// nothing between runs, so there is nothing to export or erase.
func (a *app) configuredStore(what string) (*redisstore.Store, error) {
	if !a.cfg.Redis.Configured() {
		return nil, fmt.Errorf("%s reads the configured Redis: set redis.url (an embedded Redis keeps nothing between runs)", what)
	}
	rc := a.cfg.Redis
	return redisstore.New(redisstore.Config{URL: rc.URL, Addrs: rc.Addrs, MasterName: rc.MasterName, Cluster: rc.Cluster,
		Username: rc.Username, Password: rc.Password, DB: rc.DB, Prefix: rc.Prefix})
}

func (a *app) exportCommand() *cobra.Command {
	var user string
	cmd := &cobra.Command{
		Use:   "export --user PLATFORM:TEAM:USER",
		Short: "Print everything Waymark holds of one person as JSON, for a subject access request",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			p, err := redisstore.ParsePersonKey(user)
			if err != nil {
				return errors.New(bot.ErrorMessage(err))
			}
			store, err := a.configuredStore("export")
			if err != nil {
				return err
			}
			defer store.Close()
			ex, err := store.ExportPerson(cmd.Context(), p)
			if err != nil {
				return fmt.Errorf("export: %w", err)
			}
			enc := json.NewEncoder(a.stdout)
			enc.SetIndent("", "  ")
			a.log.Info("person exported", "consultations", len(ex.Consultations), "escalations", len(ex.Escalations), "feedback", len(ex.Feedback), "audit", len(ex.Audit))
			return enc.Encode(ex)
		},
	}
	cmd.Flags().StringVar(&user, "user", "", "the person's key, as the audit trail names them: slack:T061EG9R6:U0PRAC7, teams:<tenant>:<object id>, web::<id>")
	return cmd
}

func (a *app) eraseCommand() *cobra.Command {
	var user string
	var yes bool
	cmd := &cobra.Command{
		Use:   "erase --user PLATFORM:TEAM:USER --yes",
		Short: "Remove a person's profile, state and feedback, and pseudonymise them in consultations, escalations and the audit trail",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			p, err := redisstore.ParsePersonKey(user)
			if err != nil {
				return errors.New(bot.ErrorMessage(err))
			}
			if !yes {
				return fmt.Errorf("erase cannot be undone: run it again with --yes to erase %s (waymark export --user %s first, if a copy is needed)", p.Key(), p.Key())
			}
			store, err := a.configuredStore("erase")
			if err != nil {
				return err
			}
			defer store.Close()
			rep, err := store.ErasePerson(cmd.Context(), p)
			if err != nil {
				return fmt.Errorf("erase (run it again to finish; it is safe to repeat): %w", err)
			}
			fmt.Fprintf(a.stdout, "Erased %s: %d keys removed, %d feedback entries removed; %d consultations, %d escalations and %d audit entries now name them %s.\n",
				p.Key(), rep.Deleted, rep.Feedback, rep.Consultations, rep.Escalations, rep.Audit, redisstore.ErasedPseudonym(p.Key()))
			return nil
		},
	}
	cmd.Flags().StringVar(&user, "user", "", "the person's key, as the audit trail names them: slack:T061EG9R6:U0PRAC7, teams:<tenant>:<object id>, web::<id>")
	cmd.Flags().BoolVar(&yes, "yes", false, "confirm: erasing cannot be undone")
	return cmd
}
