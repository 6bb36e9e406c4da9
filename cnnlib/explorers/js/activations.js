// The activation explorer's static panel: Python computed every layer's maps and the class
// scores of each offered image (data.views, one HTML view each) when the book was built;
// the script shows the view of the image chosen.
function draw() {
  $('[data-explorer-output]').innerHTML = data.views[+val('image')];
}

root.addEventListener('change', draw);
draw();
