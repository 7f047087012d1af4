package app

import (
	"context"
	"errors"
	"sync"

	"github.com/roomdesk/roomdesk/internal/catalogue"
	"github.com/roomdesk/roomdesk/internal/rooms"
)

// roomObservers are told about every room any app's rooms service reads or
// sets: the catalogue first, then the others (otherObservers).
func (a *App) roomObservers() []rooms.Observer {
	return append([]rooms.Observer{a.Catalogue}, a.otherObservers()...)
}

// otherObservers are the room observers besides the catalogue; each app's
// sweep tells them about every room it lists, as the rooms services do.
func (a *App) otherObservers() []rooms.Observer {
	if a.History == nil {
		return nil
	}
	return []rooms.Observer{a.History}
}

// startCatalogueSync sweeps each app's get_room_list into the catalogue
// through the app's own client (its pace and quota) every
// Config.CatalogueSync, until Close. Sweeps are leased on PostgreSQL, so
// of several instances one sweeps each app.
func (a *App) startCatalogueSync() {
	a.syncers = map[string]*catalogue.Syncer{}
	for _, ap := range a.Apps.All() {
		a.syncers[ap.ID] = a.Catalogue.NewSyncer(catalogue.SyncOptions{
			App: ap.ID, Client: ap.Tencent, Observers: a.otherObservers(),
			Interval: a.Config.CatalogueSync, Logger: a.Logger,
		})
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for _, y := range a.syncers {
		wg.Add(1)
		go func() { defer wg.Done(); y.Run(ctx) }()
	}
	a.stopSync = func() { cancel(); wg.Wait() }
}

// SweepCatalogue sweeps every app's room list now, one after another
// (tests, and a first catalogue before the background sweep's turn).
func (a *App) SweepCatalogue(ctx context.Context) error {
	var errs []error
	for _, ap := range a.Apps.All() {
		if err := a.syncers[ap.ID].Sweep(ctx); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
