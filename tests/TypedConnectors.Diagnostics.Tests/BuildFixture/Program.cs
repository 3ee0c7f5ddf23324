// Uses the clients generated from the valid files: the broken file next to them must not stop these from compiling.
Console.WriteLine(typeof(Consumer.AcmeBilling.AcmeBillingClient).FullName);
Console.WriteLine(typeof(Consumer.Inventory.InventoryClient).FullName);
