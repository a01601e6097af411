using Terminal.Gui.Views;

namespace Rx.Stomp.Samples.Dashboard;

/// <summary>A Terminal.Gui table over a live list: each cell is read from the list when the table draws.</summary>
internal sealed class CollectionTableSource<T>(IReadOnlyList<T> rows, params (string Name, Func<T, object> Cell)[] columns) : ITableSource
{
    public object this[int row, int col] => columns[col].Cell(rows[row]);

    public string[] ColumnNames { get; } = [.. columns.Select(c => c.Name)];

    public int Columns => columns.Length;

    public int Rows => rows.Count;
}
